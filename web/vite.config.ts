// Vite build of the web UI. `traffic ui` builds it with this file (src/ui/build.ts) and serves web/dist;
// `npx vite web` gives a dev server with hot reload, proxying /api to a local `traffic serve`.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The libraries change less often than the app: separate files stay cached across app updates.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:5000', rewrite: (url) => url.replace(/^\/api/, '') },
    },
  },
})
