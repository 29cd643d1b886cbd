/**
 * A file record's `upload_credentials` (an STS key, secret and session token for its S3 key) are
 * the portal's to hand to whoever may upload: the gateway passes them to nobody. Every record the
 * ENCODE client returns goes through here, at any depth (an embedded frame inlines linked files);
 * only the upload path reads them, inside the client, before this runs (client.getUploadTarget).
 */
const SECRET_PROPERTIES = ['upload_credentials'];

/** Removes the credentials in place (the parsed answer is this operation's own) and returns the value. */
export function withoutUploadCredentials<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) if (item && typeof item === 'object') stack.push(item);
      continue;
    }
    const object = node as Record<string, unknown>;
    for (const name of SECRET_PROPERTIES) if (name in object) delete object[name];
    for (const key in object) {
      const child = object[key];
      if (child && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}
