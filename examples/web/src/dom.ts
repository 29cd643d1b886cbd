/** An element the page must have (index.html): a missing one is a bug, said at once. */
export function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}

/** A <dt>/<dd> pair; the <dd> carries data-field so tests and styles can find it. */
export function field(name: string, value: string): [HTMLElement, HTMLElement] {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.dataset.field = name;
  dd.textContent = value;
  return [dt, dd];
}
