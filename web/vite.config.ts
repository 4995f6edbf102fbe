import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// @vitejs/plugin-react does not install here; Vite's own esbuild handles the JSX.
export default defineConfig({
  root: here,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    // `npx vite web` during development talks to a running `rampart serve`.
    proxy: { '/api': process.env['RAMPART_URL'] ?? 'http://127.0.0.1:8080' },
  },
});
