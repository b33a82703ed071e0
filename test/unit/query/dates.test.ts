// "today" is the local calendar date: every test pins a zone, and Node re-reads TZ on assignment.
process.env.TZ = 'UTC'

import {afterAll, describe, expect, it} from 'vitest'
import type {DocumentRecord} from '@psp/core'
import {addToDay, compileQuery, formatDay, localDay, parseDay, toDay, type QueryContext} from '@psp/core'

afterAll(() => {
  process.env.TZ = 'UTC'
})

function context(now: string): QueryContext {
  return {statuses: ['todo', 'done'], priorities: [], doneStatuses: ['done'], now: () => new Date(now)}
}

/** The calendar date `value` (today, today+1m, …) stands for at instant `now` in zone `tz`. */
function resolve(value: string, now: string, tz: string): string {
  process.env.TZ = tz
  const ctx = context(now)
  // Find the one day that `due = value` matches, searching around the clock's UTC date.
  const center = parseDay(now) as number
  for (let day = center - 800; day <= center + 800; day++) {
    const record: DocumentRecord = {id: 'x', type: 'task', title: '', path: 'x.md', archived: false, data: {due: formatDay(day)}, body: ''}
    if (compileQuery(`due = ${value}`, ctx)(record)) return formatDay(day)
  }
  throw new Error(`${value} matched no day`)
}

describe('day numbers', () => {
  it('parses and formats YYYY-MM-DD', () => {
    expect(parseDay('1970-01-01')).toBe(0)
    expect(parseDay('2026-12-01')).toBe(20_788)
    expect(formatDay(20_788)).toBe('2026-12-01')
    expect(parseDay('0001-01-01') !== undefined && formatDay(parseDay('0001-01-01') as number)).toBe('0001-01-01')
    expect(parseDay('0099-06-30') !== undefined && formatDay(parseDay('0099-06-30') as number)).toBe('0099-06-30')
  })

  it('refuses dates that do not exist', () => {
    for (const bad of ['2026-02-29', '2026-04-31', '2026-00-10', '2026-13-01', '2026-1-01', '26-01-01', '2026/01/01', 'soon']) {
      expect(parseDay(bad), bad).toBeUndefined()
    }
    expect(parseDay('2024-02-29')).toBeDefined()
    expect(parseDay('2000-02-29')).toBeDefined()
    expect(parseDay('1900-02-29')).toBeUndefined()
  })

  it('ignores a time after the date, unless exact', () => {
    expect(parseDay('2026-12-01T23:59:59-11:00')).toBe(parseDay('2026-12-01'))
    expect(parseDay('2026-12-01 10:00')).toBe(parseDay('2026-12-01'))
    expect(parseDay('2026-12-01T10:00', true)).toBeUndefined()
    expect(parseDay('2026-12-01x')).toBeUndefined()
  })

  it('reads Date objects at midnight UTC as that date, others as their local date', () => {
    process.env.TZ = 'America/Los_Angeles'
    expect(formatDay(toDay(new Date('2026-12-01T00:00:00Z')) as number)).toBe('2026-12-01')
    expect(formatDay(toDay(new Date('2026-12-01T05:00:00Z')) as number)).toBe('2026-11-30')
    expect(toDay(new Date('nope'))).toBeUndefined()
    expect(toDay(20_000)).toBeUndefined()
  })

  it.each([
    ['2026-01-31', 1, 'm', '2026-02-28'],
    ['2024-01-31', 1, 'm', '2024-02-29'],
    ['2026-03-31', -1, 'm', '2026-02-28'],
    ['2026-05-31', 1, 'm', '2026-06-30'],
    ['2026-01-15', -13, 'm', '2024-12-15'],
    ['2026-12-15', 1, 'm', '2027-01-15'],
    ['2024-02-29', 1, 'y', '2025-02-28'],
    ['2024-02-29', -1, 'y', '2023-02-28'],
    ['2024-02-29', 4, 'y', '2028-02-29'],
    ['2026-12-31', 1, 'd', '2027-01-01'],
    ['2026-03-01', -1, 'd', '2026-02-28'],
    ['2024-03-01', -1, 'd', '2024-02-29'],
    ['2026-12-25', 2, 'w', '2027-01-08'],
    ['2026-01-05', -2, 'w', '2025-12-22'],
  ] as const)('%s %s%s is %s', (from, n, unit, to) => {
    expect(formatDay(addToDay(parseDay(from) as number, n, unit))).toBe(to)
  })
})

describe('relative dates across month ends', () => {
  const at = (day: string) => `${day}T12:00:00Z`
  it.each([
    ['today', '2026-01-31', '2026-01-31'],
    ['today+1d', '2026-01-31', '2026-02-01'],
    ['today+1m', '2026-01-31', '2026-02-28'],
    ['today+1m', '2024-01-31', '2024-02-29'],
    ['today-1m', '2026-03-31', '2026-02-28'],
    ['today+1w', '2026-02-25', '2026-03-04'],
    ['today-2w', '2026-03-03', '2026-02-17'],
    ['today+7d', '2026-12-28', '2027-01-04'],
    ['today+1y', '2024-02-29', '2025-02-28'],
    ['today-1y', '2026-01-01', '2025-01-01'],
  ])('%s on %s is %s', (value, today, expected) => {
    expect(resolve(value, at(today), 'UTC')).toBe(expected)
  })
})

describe('relative dates use the local calendar date', () => {
  it('the same instant is a different "today" east and west of UTC', () => {
    const instant = '2026-01-31T11:30:00Z'
    expect(resolve('today', instant, 'UTC')).toBe('2026-01-31')
    expect(resolve('today', instant, 'Pacific/Auckland')).toBe('2026-02-01') // 00:30 NZDT
    expect(resolve('today', instant, 'Pacific/Kiritimati')).toBe('2026-02-01') // UTC+14
    expect(resolve('today', '2026-01-31T10:30:00Z', 'Etc/GMT+12')).toBe('2026-01-30') // UTC-12
    // A month from "today" follows the local date: Feb 1 + 1m = Mar 1 in Auckland, Jan 31 + 1m = Feb 28 in UTC.
    expect(resolve('today+1m', instant, 'Pacific/Auckland')).toBe('2026-03-01')
    expect(resolve('today+1m', instant, 'UTC')).toBe('2026-02-28')
  })

  it('late evening stays on the local day even when UTC has moved on', () => {
    // 23:30 on March 8 in New York is 03:30 on March 9 UTC.
    expect(resolve('today', '2026-03-09T03:30:00Z', 'America/New_York')).toBe('2026-03-08')
    expect(resolve('today+1d', '2026-03-09T03:30:00Z', 'America/New_York')).toBe('2026-03-09')
  })
})

describe('relative dates across daylight-saving changes', () => {
  it('spring forward in New York (2026-03-08, a 23-hour day)', () => {
    // 01:30 EST, half an hour before the clocks jump.
    expect(resolve('today', '2026-03-08T06:30:00Z', 'America/New_York')).toBe('2026-03-08')
    expect(resolve('today+1d', '2026-03-08T06:30:00Z', 'America/New_York')).toBe('2026-03-09')
    expect(resolve('today-1d', '2026-03-09T04:30:00Z', 'America/New_York')).toBe('2026-03-08') // 00:30 EDT on the 9th
    expect(resolve('today+1w', '2026-03-05T23:00:00Z', 'America/New_York')).toBe('2026-03-12')
    expect(resolve('today+1m', '2026-02-08T12:00:00Z', 'America/New_York')).toBe('2026-03-08')
  })

  it('fall back in New York (2026-11-01, a 25-hour day)', () => {
    // 01:30 EDT, then 01:30 EST an hour later: both November 1.
    expect(resolve('today', '2026-11-01T05:30:00Z', 'America/New_York')).toBe('2026-11-01')
    expect(resolve('today', '2026-11-01T06:30:00Z', 'America/New_York')).toBe('2026-11-01')
    expect(resolve('today+1d', '2026-11-01T06:30:00Z', 'America/New_York')).toBe('2026-11-02')
    // 23:59 EST on November 1.
    expect(resolve('today', '2026-11-02T04:59:00Z', 'America/New_York')).toBe('2026-11-01')
    expect(resolve('today-1w', '2026-11-02T04:59:00Z', 'America/New_York')).toBe('2026-10-25')
  })

  it('spring forward in Berlin (2026-03-29)', () => {
    expect(resolve('today', '2026-03-28T23:30:00Z', 'Europe/Berlin')).toBe('2026-03-29') // 00:30 CET
    expect(resolve('today+1d', '2026-03-28T23:30:00Z', 'Europe/Berlin')).toBe('2026-03-30')
    expect(resolve('today', '2026-03-29T21:59:00Z', 'Europe/Berlin')).toBe('2026-03-29') // 23:59 CEST
  })

  it('localDay agrees with the zone', () => {
    process.env.TZ = 'Australia/Lord_Howe' // a half-hour DST shift
    expect(formatDay(localDay(new Date('2026-04-04T13:15:00Z')))).toBe('2026-04-05')
  })
})
