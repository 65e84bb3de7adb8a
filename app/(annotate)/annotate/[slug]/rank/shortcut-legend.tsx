// The ranker's keyboard shortcuts, beside the list.
export function ShortcutLegend({ count }: { count: number }) {
  return (
    <aside data-testid="shortcut-legend" className="h-fit rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 className="mb-2 font-medium">Keyboard</h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt>
          <kbd>↑</kbd> <kbd>↓</kbd>
        </dt>
        <dd>focus previous / next output</dd>
        <dt>
          <kbd>1</kbd>–<kbd>{count}</kbd>
        </dt>
        <dd>move the focused output to that rank</dd>
        <dt>
          <kbd>Alt</kbd>/<kbd>Shift</kbd> + <kbd>↑</kbd>
          <kbd>↓</kbd>
        </dt>
        <dd>move it up / down</dd>
        <dt>
          <kbd>t</kbd>
        </dt>
        <dd>tie with the one above (again to untie)</dd>
        <dt>
          <kbd>Enter</kbd>
        </dt>
        <dd>submit</dd>
      </dl>
    </aside>
  );
}
