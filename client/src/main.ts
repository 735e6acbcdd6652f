import { mount } from 'svelte';
import App from './App.svelte';
import { registerServiceWorker } from './lib/service-worker.js';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('Missing #app element');

registerServiceWorker();

export default mount(App, { target });
