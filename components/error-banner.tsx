// A dismissible notice above the composer: a refused send, a failed request or a lost stream.
import { CloseIcon } from './icons';
import type { Banner } from './session-state';

export function ErrorBanner({ banner, onDismiss }: { banner: Banner; onDismiss: () => void }) {
  const tone =
    banner.kind === 'busy'
      ? 'border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/50 dark:text-amber-200'
      : 'border-red-200 bg-red-50 text-red-800 dark:border-red-900/60 dark:bg-red-950/50 dark:text-red-200';
  return (
    <div className="mx-auto w-full max-w-3xl px-3 pb-2 sm:px-6">
      <div
        data-testid="error-banner"
        data-kind={banner.kind}
        role="alert"
        className={`flex items-start gap-3 rounded-xl border px-4 py-2.5 text-sm ${tone}`}
      >
        <p className="flex-1 leading-relaxed">{banner.message}</p>
        <button
          type="button"
          onClick={onDismiss}
          aria-label="Dismiss"
          className="-mr-1 rounded-md p-1 opacity-70 transition hover:opacity-100"
        >
          <CloseIcon className="size-4" />
        </button>
      </div>
    </div>
  );
}
