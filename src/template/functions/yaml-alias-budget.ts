/**
 * yaml.v2's guard against alias bombs: after 1,000 decoded nodes, of which more than 100 came
 * from aliases, the share from aliases may be 99% for small documents, falling to 10% for
 * documents of 4,000,000 nodes.
 */
export class AliasBudget {
  #decoded = 0;
  #fromAliases = 0;
  #aliasDepth = 0;

  /** Counts one decoded node; false once aliases make up too much of the document. */
  count(): boolean {
    this.#decoded++;
    if (this.#aliasDepth > 0) this.#fromAliases++;
    return !(this.#fromAliases > 100 && this.#decoded > 1000 && this.#fromAliases / this.#decoded > allowedAliasRatio(this.#decoded));
  }

  enterAlias(): void {
    this.#aliasDepth++;
  }

  leaveAlias(): void {
    this.#aliasDepth--;
  }
}

function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}
