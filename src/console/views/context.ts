import { createContext, useContext } from 'react';
import type { Credential, Me } from '../api.js';

/** Who is signed in, for the views inside GraphiQL. */
export interface ConsoleState {
  credential: Credential;
  me: Me;
}

export const ConsoleContext = createContext<ConsoleState | null>(null);

export function useConsole(): ConsoleState {
  const state = useContext(ConsoleContext);
  if (!state) throw new Error('a console view outside the console');
  return state;
}
