/** Something the user must fix before anything is sent: reported as its message, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
