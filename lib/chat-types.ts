// Shapes of the chat app's HTTP API as the UI sees them (routes under app/api/).
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';

export type MessageStatus = 'complete' | 'stopped' | 'error' | 'interrupted';

export interface ChatSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface ChatError {
  type: string;
  message: string;
}

export interface ChatMessage {
  id: string;
  turnId: string;
  role: 'user' | 'assistant';
  /** Anthropic content blocks; a user message is `[{ type: 'text', text }]`. */
  content: ContentBlock[];
  status: MessageStatus;
  error: ChatError | null;
  createdAt: number;
}

/** `GET /api/chats/:id`: `cursor` is where a live subscription starts (first unfinished turn, else the tail). */
export interface ChatDetail {
  chat: ChatSummary;
  messages: ChatMessage[];
  cursor: number;
}
