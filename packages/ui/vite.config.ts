import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// base './': every asset URL is relative, so the hub can serve the UI under any path prefix behind a proxy.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
