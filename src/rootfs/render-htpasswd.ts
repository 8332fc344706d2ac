const USER_NAME = /^[^\s:]+$/;

/**
 * One htpasswd line for the cluster's registry: `USER:` and a bcrypt hash (cost 10), the only
 * kind docker-registry and `lade serve registry` accept. The salt is random, so each call differs.
 */
export async function renderHtpasswd(user: string, password: string): Promise<string> {
  if (!USER_NAME.test(user)) throw new RangeError(`Registry user "${user}" must be non-empty, without spaces or ":"`);
  if (password.length === 0) throw new RangeError("The registry password is empty");
  const hash = await Bun.password.hash(password, { algorithm: "bcrypt", cost: 10 });
  return `${user}:${hash}\n`;
}
