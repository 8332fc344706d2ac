import { GoStruct, withGoType, type GoMap, type GoValue } from "../template/go-value.ts";
import type { ChartDependency, ChartMaintainer, ChartMetadata } from "./chart.ts";

/** A Chart.yaml maintainer as templates see it (`*chart.Maintainer`). */
export class MaintainerObject extends GoStruct {
  readonly goTypeName = "*chart.Maintainer";
  readonly Name: string;
  readonly Email: string;
  readonly URL: string;

  constructor(maintainer: ChartMaintainer) {
    super();
    this.Name = maintainer.name;
    this.Email = maintainer.email;
    this.URL = maintainer.url;
  }
}

/** A Chart.yaml dependency as templates see it (`*chart.Dependency`). */
export class DependencyObject extends GoStruct {
  readonly goTypeName = "*chart.Dependency";
  readonly Name: string;
  readonly Version: string;
  readonly Repository: string;
  readonly Condition: string;
  readonly Tags: string[];
  readonly Enabled: boolean;
  readonly ImportValues: GoValue[];
  readonly Alias: string;

  constructor(dependency: ChartDependency) {
    super();
    this.Name = dependency.name;
    this.Version = dependency.version;
    this.Repository = dependency.repository;
    this.Condition = dependency.condition;
    this.Tags = withGoType([...dependency.tags], "[]string");
    this.Enabled = dependency.enabled;
    this.ImportValues = [...dependency.importValues];
    this.Alias = dependency.alias;
  }
}

/** Chart.yaml's fields with Helm's Go names (`chart.Metadata`). */
export class MetadataObject extends GoStruct {
  readonly goTypeName: string = "*chart.Metadata";
  readonly Name: string;
  readonly Home: string;
  readonly Sources: string[];
  readonly Version: string;
  readonly Description: string;
  readonly Keywords: string[];
  readonly Maintainers: (MaintainerObject | null)[];
  readonly Icon: string;
  readonly APIVersion: string;
  readonly Condition: string;
  readonly Tags: string;
  readonly AppVersion: string;
  readonly Deprecated: boolean;
  readonly Annotations: GoMap;
  readonly KubeVersion: string;
  readonly Dependencies: (DependencyObject | null)[];
  readonly Type: string;

  constructor(metadata: ChartMetadata) {
    super();
    this.Name = metadata.name;
    this.Home = metadata.home;
    this.Sources = withGoType([...metadata.sources], "[]string");
    this.Version = metadata.version;
    this.Description = metadata.description;
    this.Keywords = withGoType([...metadata.keywords], "[]string");
    this.Maintainers = withGoType(
      metadata.maintainers.map((maintainer) => (maintainer ? new MaintainerObject(maintainer) : null)),
      "[]*chart.Maintainer",
    );
    this.Icon = metadata.icon;
    this.APIVersion = metadata.apiVersion;
    this.Condition = metadata.condition;
    this.Tags = metadata.tags;
    this.AppVersion = metadata.appVersion;
    this.Deprecated = metadata.deprecated;
    const annotations: GoMap = Object.create(null);
    Object.assign(annotations, metadata.annotations ?? {});
    this.Annotations = withGoType(annotations, "map[string]string");
    this.KubeVersion = metadata.kubeVersion;
    this.Dependencies = withGoType(
      (metadata.dependencies ?? []).map((dependency) => (dependency ? new DependencyObject(dependency) : null)),
      "[]*chart.Dependency",
    );
    this.Type = metadata.type;
  }
}

/**
 * `.Chart`: the chart's metadata with capitalized Go field names (`.Chart.Name`,
 * `.Chart.AppVersion` …) plus `IsRoot`, as Helm's `struct { chart.Metadata; IsRoot bool }`.
 */
export class ChartObject extends MetadataObject {
  override readonly goTypeName = "struct { chart.Metadata; IsRoot bool }";
  readonly IsRoot: boolean;
  /** The embedded struct, reachable as `.Chart.Metadata` in Go. */
  readonly Metadata: MetadataObject;

  constructor(metadata: ChartMetadata, isRoot: boolean) {
    super(metadata);
    this.IsRoot = isRoot;
    this.Metadata = new MetadataObject(metadata);
  }
}
