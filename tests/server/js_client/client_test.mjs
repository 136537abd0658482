// ClickHouse's official JavaScript client (@clickhouse/client, pinned in package.json and
// package-lock.json) against `tally serve`: ping, create a table, insert in JSONEachRow
// and in JSONCompactEachRow with gzip (the client's request compression), select in each
// format it reads, use query parameters, and get errors it parses.
//
// Usage (through tests/server/js_client_run.sh): node client_test.mjs TALLY
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strict as assert } from 'node:assert'
import { createClient } from '@clickhouse/client'

const tally = process.argv[2]
const dir = mkdtempSync(join(tmpdir(), 'tally-js-'))
const server = spawn(tally, ['serve', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0'])
const port = await new Promise((resolve, reject) => {
  let out = ''
  server.stdout.on('data', (d) => {
    out += d
    const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)
    if (m) resolve(Number(m[1]))
  })
  server.on('exit', (code) => reject(new Error(`tally serve exited ${code}`)))
})

let failed = 0
async function check(name, fn) {
  try {
    await fn()
    console.log(`ok   ${name}`)
  } catch (e) {
    failed++
    console.log(`FAIL ${name}: ${e.stack ?? e}`)
  }
}

const client = createClient({ url: `http://127.0.0.1:${port}`, compression: { request: true, response: true } })

await check('ping', async () => {
  const r = await client.ping()
  assert.equal(r.success, true)
})

await check('create and insert in JSONEachRow and JSONCompactEachRow (gzip)', async () => {
  await client.command({
    query: 'CREATE TABLE ev (time DateTime, tenant LowCardinality(String), value UInt64) ENGINE = MergeTree ORDER BY (tenant, time)',
  })
  const rows = []
  for (let i = 0; i < 300; i++) rows.push({ time: `2026-12-01 10:${String(i % 60).padStart(2, '0')}:00`, tenant: `t${i % 3}`, value: i })
  await client.insert({ table: 'ev', values: rows.slice(0, 150), format: 'JSONEachRow' })
  await client.insert({
    table: 'ev',
    values: rows.slice(150).map((r) => [r.time, r.tenant, r.value]),
    format: 'JSONCompactEachRow',
  })
  const rs = await client.query({ query: 'SELECT count() AS n, sum(value) AS s FROM ev', format: 'JSONEachRow' })
  assert.deepEqual(await rs.json(), [{ n: '300', s: String((299 * 300) / 2) }])
})

await check('select in each format', async () => {
  const q = 'SELECT tenant, count() AS n FROM ev GROUP BY tenant ORDER BY tenant'
  const json = await (await client.query({ query: q, format: 'JSON' })).json()
  assert.deepEqual(json.meta, [{ name: 'tenant', type: 'LowCardinality(String)' }, { name: 'n', type: 'UInt64' }])
  assert.deepEqual(json.data, [{ tenant: 't0', n: '100' }, { tenant: 't1', n: '100' }, { tenant: 't2', n: '100' }])
  assert.deepEqual(await (await client.query({ query: q, format: 'JSONCompactEachRow' })).json(),
    [['t0', '100'], ['t1', '100'], ['t2', '100']])
  assert.equal(await (await client.query({ query: q, format: 'CSV' })).text(), '"t0",100\n"t1",100\n"t2",100\n')
  assert.equal(await (await client.query({ query: q, format: 'TabSeparated' })).text(), 't0\t100\nt1\t100\nt2\t100\n')
  const stream = (await client.query({ query: 'SELECT number FROM numbers(100000)', format: 'JSONEachRow' })).stream()
  let seen = 0
  for await (const batch of stream) seen += batch.length
  assert.equal(seen, 100000)
})

await check('query parameters', async () => {
  const rs = await client.query({
    query: 'SELECT {t: String} AS t, count() AS n FROM ev WHERE tenant = {t: String} AND value > {v: UInt64}',
    query_params: { t: 't1', v: 100 },
    format: 'JSONEachRow',
  })
  assert.deepEqual(await rs.json(), [{ t: 't1', n: '66' }])
})

await check('errors are parsed', async () => {
  await assert.rejects(client.query({ query: 'SELECT * FROM no_such_table' }), (e) => {
    assert.equal(e.code, '60')
    assert.equal(e.type, 'UNKNOWN_TABLE')
    assert.match(e.message, /Table default\.no_such_table does not exist/)
    return true
  })
  await assert.rejects(client.command({ query: 'SELEC 1' }), (e) => e.code === '62' && e.type === 'SYNTAX_ERROR')
})

await client.close()
server.kill('SIGTERM')
const code = await new Promise((resolve) => server.on('exit', resolve))
rmSync(dir, { recursive: true, force: true })
if (code !== 0) {
  console.log(`FAIL tally serve exited ${code} on SIGTERM`)
  failed++
}
console.log(failed === 0 ? 'all passed' : `${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
