// The bar above a chat: its title, the chat-list toggle on narrow screens, and the live status.
import type { IndicatorState } from './connection-indicator';
import { ConnectionIndicator } from './connection-indicator';
import { MenuIcon } from './icons';
import { LocalModelBadge } from './local-model-badge';

interface ChatHeaderProps {
  title: string;
  connection: IndicatorState;
  localModel: boolean;
  sidebarOpen: boolean;
  onOpenSidebar: () => void;
}

export function ChatHeader({ title, connection, localModel, sidebarOpen, onOpenSidebar }: ChatHeaderProps) {
  return (
    <header className="flex h-14 shrink-0 items-center gap-2 border-b border-stone-200/80 px-3 sm:px-5 dark:border-stone-800/80">
      <button
        type="button"
        data-testid="open-sidebar"
        onClick={onOpenSidebar}
        aria-label="Show chats"
        aria-expanded={sidebarOpen}
        aria-controls="chat-sidebar"
        className="-ml-1 rounded-md p-2 text-stone-600 hover:bg-stone-100 md:hidden dark:text-stone-300 dark:hover:bg-stone-800"
      >
        <MenuIcon className="size-5" />
      </button>
      <h1 className="min-w-0 flex-1 truncate text-sm font-medium text-stone-800 dark:text-stone-200">
        {title}
      </h1>
      <div className="flex shrink-0 items-center gap-2">
        {localModel && <LocalModelBadge />}
        <ConnectionIndicator state={connection} />
      </div>
    </header>
  );
}
