import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { client, keys, queryClient } from './api.ts';
import { App } from './App.tsx';
import './styles.css';

// What the first screen needs is asked for now, while React renders, not after its first paint.
void queryClient.prefetchQuery({ queryKey: keys.settings, queryFn: () => client.settings.get() });
void queryClient.prefetchQuery({ queryKey: keys.accounts, queryFn: () => client.accounts.list() });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
