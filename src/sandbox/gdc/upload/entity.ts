import type { NodeType } from '../../../rules/gdc/dictionary/model';
import { EntityErrors, type EntityError, type EntityErrorType, type EntityWarning } from '../errors';
import type { GraphNode } from '../store';

/** `version`: [GDC] a new version of a released data file (a new node replacing it). */
export type Action = 'create' | 'update' | 'version';

/** One document of a transaction on its way to becoming a node (sheepdog's UploadEntity). */
export class UploadEntity {
  doc: Record<string, unknown> = {};
  /** The `type` the document named, even when it is not a dictionary type. */
  type: string | null = null;
  nodeType: NodeType | null = null;
  id: string | null = null;
  action: Action | null = null;
  /** For a new version: the id of the node it replaces. */
  replaces: string | null = null;
  node: GraphNode | null = null;
  oldProps: Record<string, unknown> = {};
  readonly errors: EntityError[] = [];
  readonly warnings: EntityWarning[] = [];

  get valid(): boolean {
    return this.errors.length === 0;
  }

  error(message: string, keys: string[] = [], type: EntityErrorType = EntityErrors.UNCATEGORIZED, extra: Record<string, unknown> = {}): void {
    this.errors.push({ keys, message, type, ...extra });
  }

  warn(message: string, keys: string[] = [], extra: Record<string, unknown> = {}): void {
    this.warnings.push({ keys, message, ...extra });
  }
}
