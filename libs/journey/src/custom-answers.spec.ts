import { dropEmailsFromCustomAnswers } from './custom-answers';

describe('dropEmailsFromCustomAnswers', () => {
  it('keeps answers without an email untouched', () => {
    const fields = { plan: 'pro', seats: 12, tags: ['a', 'b'], nested: { ok: true } };
    expect(dropEmailsFromCustomAnswers(fields)).toEqual({ fields, droppedPaths: [] });
  });

  it('drops each answer holding an email, at any depth, and names it', () => {
    const result = dropEmailsFromCustomAnswers({
      plan: 'pro',
      contact: 'write to Jane.Doe@Example.com please',
      list: ['x', 'mailto:a@b.io', 'y'],
      nested: { deeper: { who: 'someone@example.org', n: 3 } },
    });
    expect(result.fields).toEqual({ plan: 'pro', list: ['x', 'y'], nested: { deeper: { n: 3 } } });
    expect(result.droppedPaths.sort()).toEqual([
      'fields.contact',
      'fields.list.1',
      'fields.nested.deeper.who',
    ]);
  });

  it('answers nothing for no answers', () => {
    expect(dropEmailsFromCustomAnswers(undefined)).toEqual({ droppedPaths: [] });
  });
});
