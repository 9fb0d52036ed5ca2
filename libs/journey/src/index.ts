export * from './attribution';
export * from './bot-verdict';
export * from './consent';
export * from './contact';
export * from './dispatch-gates';
export * from './fbc';
export * from './landing-url';
export * from './custom-answers';
