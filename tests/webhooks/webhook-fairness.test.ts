import { pickFairly, type DueDelivery } from '../../src/webhooks/delivery.fairness';

const due = (id: string, endpointId: string, projectId: string): DueDelivery => ({
  id,
  endpointId,
  projectId,
});
const none = { byEndpoint: new Map<string, number>(), byProject: new Map<string, number>() };

describe('pickFairly', () => {
  it('when one project has the oldest backlog, then projects still take turns', () => {
    const backlog = [
      due('a1', 'ea', 'A'),
      due('a2', 'ea', 'A'),
      due('a3', 'eb', 'A'),
      due('b1', 'ec', 'B'),
      due('c1', 'ed', 'C'),
    ];
    expect(pickFairly(backlog, none, { perEndpoint: 10, perProject: 10 }, 3)).toEqual(['a1', 'b1', 'c1']);
  });

  it('when an endpoint or a project is at its cap (counting attempts in flight), then its deliveries wait', () => {
    const backlog = [due('a1', 'ea', 'A'), due('a2', 'ea', 'A'), due('a3', 'eb', 'A'), due('b1', 'ec', 'B')];
    const inFlight = { byEndpoint: new Map([['ea', 1]]), byProject: new Map([['A', 1]]) };
    expect(pickFairly(backlog, inFlight, { perEndpoint: 1, perProject: 2 }, 10)).toEqual(['a3', 'b1']);
    expect(pickFairly(backlog, inFlight, { perEndpoint: 1, perProject: 1 }, 10)).toEqual(['b1']);
  });
});
