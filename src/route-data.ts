/**
 * Starlight route middleware (astro.config.mjs `routeMiddleware`): the hero buttons of the landing
 * and 404 pages name their targets in frontmatter (`link: /start-here/`), which Starlight writes
 * as given, without the base path. Under BASE_PATH=/realmfault/ they become /realmfault/start-here/.
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { href } from './site-base';

export const onRequest = defineRouteMiddleware((context) => {
  const hero = context.locals.starlightRoute.entry.data.hero;
  if (!hero) return;
  for (const action of hero.actions) action.link = href(action.link);
});
