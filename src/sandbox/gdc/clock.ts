/** Python's isoformat with microseconds and offset, as GDC timestamps look ("2016-04-14T08:44:43.361800+00:00"). */
export function timestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000+00:00`;
}
