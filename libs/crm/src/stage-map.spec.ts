import { parseStageRules, StageMap } from './stage-map';
import type { StageRules } from './stage-rule';

const DEFAULTS: StageRules = {
  hubspot: [
    { objectType: 'deal', stageField: 'dealstage', stage: 'closedwon', eventName: 'DealWon' },
    {
      objectType: 'contact',
      stageField: 'lifecyclestage',
      stage: 'salesqualifiedlead',
      eventName: 'QualifiedLead',
    },
  ],
  salesforce: [
    { objectType: 'opportunity', stageField: 'StageName', stage: 'Closed Won', eventName: 'DealWon' },
  ],
};
const change = (over: object) => ({
  provider: 'hubspot' as const,
  objectType: 'deal' as const,
  stageField: 'dealstage',
  stage: 'closedwon',
  ...over,
});

describe('StageMap', () => {
  it('says when a change without a pipeline needs one: a pipeline rule matches its stage', () => {
    const map = StageMap.create(DEFAULTS, {
      hubspot: [
        {
          objectType: 'deal',
          stageField: 'dealstage',
          stage: '1234567',
          pipeline: '98765',
          eventName: 'Qualified',
        },
        {
          objectType: 'deal',
          stageField: 'dealstage',
          stage: 'closedwon',
          pipeline: '98765',
          eventName: null,
        },
      ],
    });
    expect(map.needsPipeline(change({ stage: '1234567' }))).toBe(true);
    expect(map.needsPipeline(change({}))).toBe(true);
    expect(map.needsPipeline(change({ stage: 'closedwon', pipeline: 'default' }))).toBe(false);
    expect(map.needsPipeline(change({ stage: 'appointmentscheduled' }))).toBe(false);
    expect(StageMap.create(DEFAULTS).needsPipeline(change({}))).toBe(false);
    // Mapped again once the pipeline is known: the pipeline rule wins, the default holds elsewhere.
    expect(map.eventFor(change({ stage: '1234567' }))).toBeNull();
    expect(map.eventFor(change({ stage: '1234567', pipeline: '98765' }))).toBe('Qualified');
    expect(map.eventFor(change({ pipeline: '98765' }))).toBeNull();
    expect(map.eventFor(change({ pipeline: 'default' }))).toBe('DealWon');
  });

  it('maps by the built-in defaults, case-insensitively', () => {
    const map = StageMap.create(DEFAULTS);
    expect(map.eventFor(change({}))).toBe('DealWon');
    expect(
      map.eventFor(
        change({
          provider: 'salesforce',
          objectType: 'opportunity',
          stageField: 'StageName',
          stage: 'closed won',
        }),
      ),
    ).toBe('DealWon');
    expect(
      map.eventFor(change({ objectType: 'contact', stageField: 'lifecyclestage', stage: 'lead' })),
    ).toBeNull();
  });

  it('lets configured rules override defaults, pipeline-specific rules first, null to silence', () => {
    const map = StageMap.create(DEFAULTS, {
      hubspot: [
        { objectType: 'deal', stageField: 'dealstage', stage: 'closedwon', eventName: null },
        {
          objectType: 'deal',
          stageField: 'dealstage',
          stage: 'closedwon',
          pipeline: 'enterprise',
          eventName: 'EnterpriseWon',
        },
        { objectType: 'deal', stageField: 'dealstage', stage: '12345', eventName: 'Demo' },
      ],
    });
    expect(map.eventFor(change({}))).toBeNull();
    expect(map.eventFor(change({ pipeline: 'enterprise' }))).toBe('EnterpriseWon');
    expect(map.eventFor(change({ stage: '12345' }))).toBe('Demo');
  });

  it('treats a CRM won flag as DealWon when no rule names the stage', () => {
    const map = StageMap.create(DEFAULTS);
    expect(
      map.eventFor(
        change({
          provider: 'gohighlevel',
          objectType: 'opportunity',
          stageField: 'status',
          stage: 'won',
          won: true,
        }),
      ),
    ).toBe('DealWon');
  });
});

describe('parseStageRules', () => {
  it('accepts a valid document', () => {
    const rules = parseStageRules({
      gohighlevel: [
        {
          objectType: 'opportunity',
          stageField: 'pipelineStageId',
          stage: 'abc',
          pipeline: 'p1',
          eventName: 'QualifiedLead',
        },
      ],
    });
    expect(rules.gohighlevel).toHaveLength(1);
  });

  it('names every problem with its path', () => {
    expect(() =>
      parseStageRules({
        pipedrive: [],
        hubspot: [{ objectType: 'ticket', stageField: '', stage: 'x', eventName: 'Bad Name!', extra: 1 }],
      }),
    ).toThrow(
      /pipedrive: unknown provider[\s\S]*hubspot\[0\]\.objectType[\s\S]*hubspot\[0\]\.stageField[\s\S]*hubspot\[0\]\.eventName[\s\S]*unknown keys extra/,
    );
    expect(() => parseStageRules([])).toThrow(/JSON object/);
  });
});
