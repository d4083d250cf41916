/** What the browser loads on the first change: the model run and the renderer. */
export { explore } from './run';
export { announce, renderExplorerHtml } from './render';
