import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';

/** Where query and mutation errors go; the app points it at the toasts once it knows the operator's language. */
let showError: (error: unknown) => void = () => {};
export function showErrorsWith(show: (error: unknown) => void): () => void {
  showError = show;
  return () => {
    if (showError === show) showError = () => {};
  };
}

/**
 * The one place errors are shown. A mutation that shows its own refusal in place says so with
 * `meta: { errorShownInPlace: true }`.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error) => showError(error) }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (mutation.meta?.errorShownInPlace !== true) showError(error);
      },
    }),
    defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: false }, mutations: { retry: false } },
  });
}
