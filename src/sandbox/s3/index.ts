import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { applyS3Fidelity, type FilesystemStore } from './fidelity';
import { multipartRoutes } from './multipart';

// s3rver ships no type declarations; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** Koa's middleware list; s3rver's router is the last entry. */
  middleware: unknown[];
  store: FilesystemStore;
};

/** s3rver's built-in account: the only key pair it accepts signatures from. */
const S3RVER_KEY = 'S3RVER';

export interface S3SandboxOptions {
  port?: number;
  /** Where objects are kept; default a new temporary folder, removed on stop. */
  directory?: string | null;
  bucket?: string;
}

export interface S3Sandbox {
  url: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  directory: string;
  stop(): Promise<void>;
}

/**
 * An S3-compatible store on loopback for ENCODE uploads (path-style addressing): s3rver, with a thin
 * layer where it differs from S3 in ways clients notice (Content-MD5, multipart ETags and checks,
 * aborting and listing multipart uploads).
 */
export async function startS3Sandbox(options: S3SandboxOptions = {}): Promise<S3Sandbox> {
  const bucket = options.bucket ?? 'encode-sandbox-uploads';
  const temporary = !options.directory;
  const directory = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'submission-gateway-s3-'));
  fs.mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  applyS3Fidelity(server.store);
  server.middleware.splice(server.middleware.length - 1, 0, multipartRoutes());
  const address = await server.run();
  return {
    url: `http://127.0.0.1:${address.port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: S3RVER_KEY,
    secretAccessKey: S3RVER_KEY,
    directory,
    stop: async () => {
      await server.close();
      if (temporary) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
