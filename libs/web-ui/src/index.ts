export * from './web-ui-http.module';
export * from './web-ui.controller';
export * from './web-ui.middleware';
export * from './web-pages';
