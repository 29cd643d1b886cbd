/** `work`'s value, and the turns of the event loop (setImmediate callbacks run) while it ran. */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let timer: NodeJS.Immediate;
  const tick = () => {
    turns++;
    timer = setImmediate(tick);
  };
  timer = setImmediate(tick);
  try {
    return { value: await work(), turns };
  } finally {
    clearImmediate(timer!);
  }
}
