import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

/** The gateway `npm run dev:web` sends API calls to: a running `npm start` by default. */
const gateway = process.env.SHOP_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    port: 5173,
    proxy: { '/api': gateway, '/.well-known': gateway },
  },
});
