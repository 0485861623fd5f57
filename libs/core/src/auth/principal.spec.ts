import { principalFromClaims } from './principal';

const uuid = '3f2b8c1e-9d4a-4b7e-8f00-1234567890ab';
const exp = Math.floor(Date.now() / 1000) + 60;

describe('principalFromClaims', () => {
  it('maps the three roles', () => {
    expect(principalFromClaims({ role: 'admin', sub: 'u1', exp })).toEqual({ principal: { role: 'admin', subject: 'u1', venueIds: [] } });
    expect(principalFromClaims({ role: 'dispatcher', sub: 'u2', venues: [uuid, uuid], exp })).toEqual({
      principal: { role: 'dispatcher', subject: 'u2', venueIds: [uuid] },
    });
    expect(principalFromClaims({ role: 'staff', sub: uuid, exp })).toEqual({
      principal: { role: 'staff', subject: uuid, staffId: uuid, venueIds: [] },
    });
  });

  it('refuses unknown roles, staff without a staff id, dispatchers without venues, tokens without exp', () => {
    expect(principalFromClaims({ role: 'owner', sub: 'x', exp })).toHaveProperty('problem');
    expect(principalFromClaims({ role: 'staff', sub: 'not-a-uuid', exp })).toHaveProperty('problem');
    expect(principalFromClaims({ role: 'dispatcher', sub: 'x', exp })).toHaveProperty('problem');
    expect(principalFromClaims({ role: 'dispatcher', sub: 'x', venues: ['nope'], exp })).toHaveProperty('problem');
    expect(principalFromClaims({ role: 'admin', sub: 'x' })).toHaveProperty('problem');
  });
});
