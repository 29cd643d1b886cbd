import type { SandboxOptions } from '.';

/**
 * What the gateway and its sandbox child say to each other over the fork's IPC channel. Types
 * only: the gateway imports this file with `import type`, so it never loads src/sandbox itself.
 */
export type ToSandbox = { type: 'start'; options: SandboxOptions } | { type: 'stop' };

/** Where the child's emulators listen, and the fixed credentials the gateway lends to callers that bring none. */
export interface SandboxEndpoints {
  encode: { url: string; credentials: { key: string; secret: string } } | null;
  gdc: { url: string; token: string } | null;
  s3: { url: string; bucket: string } | null;
  /** The ports in use, so a restarted child listens where the gateway already sends. */
  ports: { encode?: number; gdc?: number; s3?: number };
}

export type FromSandbox = ({ type: 'ready' } & SandboxEndpoints) | { type: 'failed'; message: string };
