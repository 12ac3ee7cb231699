import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served as static files: from the app:// scheme in Electron, by the bridge in
// the browser harness. Relative base so both work; no inline scripts, for the CSP.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
