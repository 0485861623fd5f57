export * from './web-ui-http.module';
export * from './web-ui.controller';
