// Tells the reader that replies come from the bundled local model, not Claude.
export function LocalModelBadge() {
  return (
    <span
      data-testid="local-model-badge"
      title="No Anthropic API key is set, so replies come from the built-in local model."
      className="inline-flex items-center rounded-full bg-orange-50 px-2.5 py-1 text-xs font-medium text-orange-800 ring-1 ring-orange-200 ring-inset dark:bg-orange-950/40 dark:text-orange-300 dark:ring-orange-900/60"
    >
      Local model
    </span>
  );
}
