/** The values behind `Query.encode` and `Query.gdc`: what the generated root fields resolve from. */
export type EncodeRoot = Record<string, never>;

export interface GdcRoot {
  /** PROGRAM-PROJECT every root field of this `gdc(project:)` is scoped to. */
  project: string;
}

/** An entity as the upstream's submission GraphQL returns it: keyed by the field names (or aliases) asked. */
export type GdcEntityModel = Record<string, unknown>;
