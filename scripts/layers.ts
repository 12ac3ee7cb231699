// dependency-cruiser reads TypeScript through the compiler's JavaScript API, which TypeScript 7 (the Go
// compiler the project builds with) no longer ships. TypeScript 6 parses the same syntax, so only the
// cruiser is pointed at it; everything else keeps resolving `typescript` to 7.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const fromCruiser = context.parentURL?.includes('/node_modules/dependency-cruiser/') ?? false;
    if (fromCruiser && (specifier === 'typescript' || specifier.startsWith('typescript/'))) {
      return nextResolve(specifier.replace(/^typescript/, 'typescript-6'), context);
    }
    return nextResolve(specifier, context);
  },
});

await import(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url).href);
