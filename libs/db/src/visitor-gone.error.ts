/** The external_id was erased (right to be forgotten): nothing more is recorded for it. */
export class VisitorErasedError extends Error {
  constructor() {
    super('external_id was erased; nothing is recorded for it');
    this.name = 'VisitorErasedError';
  }
}
