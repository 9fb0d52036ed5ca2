export * from './attribution';
export * from './bot-verdict';
export * from './consent';
export * from './contact';
export * from './fbc';
export * from './landing-url';
