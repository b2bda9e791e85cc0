import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseThreadCount } from './choose-thread-count.js';

describe('chooseThreadCount', () => {
  it('uses an explicit count as is (at least 1)', async () => {
    assert.equal(await chooseThreadCount(3, 2), 3);
    assert.equal(await chooseThreadCount(0, 8), 1);
  });

  it("'auto' picks 1 thread on a host with 2 cores or fewer, without measuring", async () => {
    const probe = async () => assert.fail('must not measure on a 2-core host');
    assert.equal(await chooseThreadCount('auto', 2, probe), 1);
    assert.equal(await chooseThreadCount('auto', 1, probe), 1);
  });

  it("'auto' on more cores keeps all of them only if measurably faster", async () => {
    const speeds = (one: number, many: number) => async (t: number) => (t === 1 ? one : many);
    assert.equal(await chooseThreadCount('auto', 8, speeds(10, 4)), 8);
    assert.equal(await chooseThreadCount('auto', 8, speeds(10, 9.5)), 1, 'a tie keeps one thread');
    assert.equal(await chooseThreadCount('auto', 8, speeds(10, 20)), 1);
  });

  it("'auto' on more cores without a probe uses all cores", async () => {
    assert.equal(await chooseThreadCount('auto', 8), 8);
  });
});
