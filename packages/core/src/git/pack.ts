/**
 * Packfiles: a `.idx` (sorted object ids with their offsets) and its `.pack` (zlib-compressed
 * objects, many stored as deltas against another object of the pack, by offset or by id).
 *
 * A pack is read with positioned reads of just the bytes an object needs, which is what a single
 * lookup wants; once a pack has served many reads (a history walk) it is read into memory whole,
 * which is what a walk wants. Formats: git's Documentation/gitformat-pack.txt.
 */
import fs from 'node:fs'
import {inflateSync} from 'node:zlib'
import {GitFormatError} from './errors.js'
import {ByteLru} from './lru.js'
import type {GitObject, GitObjectType} from './objects.js'

const IDX_MAGIC = 0xff744f63
const OFS_DELTA = 6
const REF_DELTA = 7
const TYPES: ReadonlyArray<GitObjectType | undefined> = [undefined, 'commit', 'tree', 'blob', 'tag']

/** After this many object reads a pack is read into memory whole (if not too big). */
const READS_BEFORE_LOADING = 256
/** Packs bigger than this are never read whole. */
const MAX_WHOLE_PACK = 1024 * 1024 * 1024
/** A delta chain longer than this is taken for a loop in a corrupt pack. */
const MAX_CHAIN = 10_000

/**
 * After this many lookups an index is read into memory whole, which is what a walk wants; before,
 * each lookup reads just the ids that share the object's first byte, which is what one command
 * wants (a 10,000-commit repository's index is 2.4 MB: reading it was a fifth of a warm
 * `psp history`).
 */
const LOOKUPS_BEFORE_LOADING = 64
/** An index this small is read whole at once. */
const SMALL_INDEX = 64 * 1024
/** The version 2 header (magic, version) and the fan-out table: what every lookup needs. */
const HEAD_BYTES = 8 + 256 * 4

/** A pack's index: which objects it holds, and where. Versions 1 and 2. */
export class PackIndex {
  readonly count: number
  private readonly version: 1 | 2
  private readonly fanoutAt: number
  private readonly oidsAt: number
  private readonly offsetsAt: number
  private readonly largeAt: number
  /** The whole file, once read. */
  private whole: Buffer | undefined
  private lookups = 0

  private constructor(
    /** The start of the file: at least the header and the fan-out table (the whole file when small). */
    private readonly head: Buffer,
    size: number,
    readonly file: string,
  ) {
    if (head.length === size) this.whole = head
    if (head.length >= 8 && head.readUInt32BE(0) === IDX_MAGIC) {
      if (head.readUInt32BE(4) !== 2) throw this.corrupt(`unsupported pack index version ${head.readUInt32BE(4)}`)
      this.version = 2
      this.fanoutAt = 8
      if (head.length < HEAD_BYTES) throw this.corrupt('truncated')
      this.count = head.readUInt32BE(8 + 255 * 4)
      this.oidsAt = HEAD_BYTES
      // After the ids come their CRCs (4 bytes each), then 4-byte offsets, then 8-byte ones.
      this.offsetsAt = this.oidsAt + this.count * 24
      this.largeAt = this.offsetsAt + this.count * 4
      if (size < this.largeAt + 40) throw this.corrupt('truncated')
    } else {
      this.version = 1
      this.fanoutAt = 0
      this.count = head.length >= 1024 ? head.readUInt32BE(255 * 4) : 0
      this.oidsAt = 256 * 4
      this.offsetsAt = this.oidsAt
      this.largeAt = 0
      if (size < 1024 + this.count * 24 + 40) throw this.corrupt('truncated')
    }
  }

  static read(file: string): PackIndex {
    const fd = fs.openSync(file, 'r')
    try {
      const size = fs.fstatSync(fd).size
      const head = Buffer.allocUnsafe(size <= SMALL_INDEX ? size : HEAD_BYTES)
      return new PackIndex(head.subarray(0, readFully(fd, head, 0)), size, file)
    } finally {
      fs.closeSync(fd)
    }
  }

  private corrupt(what: string): GitFormatError {
    return new GitFormatError(`unreadable pack index ${this.file}: ${what}`)
  }

  /** The whole index, read now if it was not. */
  private all(): Buffer {
    if (this.whole === undefined) {
      this.whole = fs.readFileSync(this.file)
      if (this.whole.length < this.oidsAt + this.count * (this.version === 2 ? 20 : 24)) throw this.corrupt('truncated')
    }
    return this.whole
  }

  /** `length` bytes at `pos`, from memory or read from the file. */
  private bytes(pos: number, length: number): Buffer {
    if (this.whole !== undefined) return this.whole.subarray(pos, pos + length)
    const fd = fs.openSync(this.file, 'r')
    try {
      const out = Buffer.allocUnsafe(length)
      if (readFully(fd, out, pos) < length) throw this.corrupt('truncated')
      return out
    } finally {
      fs.closeSync(fd)
    }
  }

  /** Where the 20-byte id of entry `i` starts in the index. */
  private oidPos(i: number): number {
    return this.version === 2 ? this.oidsAt + i * 20 : this.oidsAt + i * 24 + 4
  }

  /** The bounds of the entries whose id starts with `byte`. */
  private range(byte: number): [number, number] {
    const lo = byte === 0 ? 0 : this.head.readUInt32BE(this.fanoutAt + (byte - 1) * 4)
    return [lo, this.head.readUInt32BE(this.fanoutAt + byte * 4)]
  }

  /** The entry number of an object (20 raw bytes), or -1. */
  find(oid: Buffer): number {
    if (this.whole === undefined && ++this.lookups > LOOKUPS_BEFORE_LOADING) this.all()
    const [first, end] = this.range(oid[0] as number)
    if (first >= end) return -1
    // Entries `first` to `end` as one slice: the whole file's, or just them read from the file.
    const stride = this.version === 2 ? 20 : 24
    const skip = this.version === 2 ? 0 : 4
    const buf = this.whole ?? this.bytes(this.oidPos(first) - skip, (end - first) * stride)
    const base = this.whole === undefined ? -first * stride + skip : this.oidPos(0)
    let lo = first
    let hi = end
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const pos = base + mid * stride
      // A loop beats Buffer#compare here: ids usually differ in their first bytes, and the
      // native call costs more than the comparison.
      let c = 0
      for (let k = 0; k < 20 && c === 0; k++) c = (buf[pos + k] as number) - (oid[k] as number)
      if (c === 0) return mid
      if (c < 0) lo = mid + 1
      else hi = mid
    }
    return -1
  }

  /** The pack offset of entry `i`. */
  offsetAt(i: number): number {
    if (this.version === 1) return this.u32(this.oidsAt + i * 24)
    const small = this.u32(this.offsetsAt + i * 4)
    if ((small & 0x80000000) === 0) return small
    const at = this.largeAt + (small & 0x7fffffff) * 8
    return this.u32(at) * 2 ** 32 + this.u32(at + 4)
  }

  /** The 4-byte number at `pos`: straight from memory once the index is (a walk asks for millions). */
  private u32(pos: number): number {
    return this.whole === undefined ? this.bytes(pos, 4).readUInt32BE(0) : this.whole.readUInt32BE(pos)
  }

  /** The hex id of entry `i`. */
  oidAt(i: number): string {
    const pos = this.oidPos(i)
    return this.all().toString('hex', pos, pos + 20)
  }

  /** Ids starting with a hex prefix (at most `limit` of them). */
  findPrefix(prefix: string, limit: number): string[] {
    const out: string[] = []
    const first = Number.parseInt(prefix.slice(0, 2).padEnd(2, '0'), 16)
    const last = prefix.length >= 2 ? first : first + 15
    const [lo] = this.range(first)
    const [, hi] = this.range(last)
    // Ids are sorted: find the first candidate, then read while they match.
    let a = lo
    let b = hi
    while (a < b) {
      const mid = (a + b) >>> 1
      if (this.oidAt(mid) < prefix) a = mid + 1
      else b = mid
    }
    for (let i = a; i < hi && out.length < limit; i++) {
      const oid = this.oidAt(i)
      if (!oid.startsWith(prefix)) break
      out.push(oid)
    }
    return out
  }

  /** Every id in the pack. */
  *oids(): Generator<string> {
    for (let i = 0; i < this.count; i++) yield this.oidAt(i)
  }
}

/** Reads into `buf` from `pos` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, buf: Buffer, pos: number): number {
  let done = 0
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, pos + done)
    if (n === 0) break
    done += n
  }
  return done
}

/** Resolves a REF_DELTA's base, which may live anywhere in the object store. */
export type BaseLookup = (oid: string) => GitObject

/** An upper bound of the compressed size of `size` bytes (zlib's deflateBound, plus slack). */
function deflateBound(size: number): number {
  return size + (size >>> 12) + (size >>> 14) + (size >>> 25) + 64
}

/** A packfile with its index. */
export class Pack {
  private fd: number | undefined
  private whole: Buffer | undefined
  private reads = 0
  private size: number | undefined

  constructor(
    readonly index: PackIndex,
    readonly file: string,
    /** Resolved objects, shared by the packs of a store: delta bases are read again and again. */
    private readonly cache: ByteLru<GitObject>,
    /** This pack's number in the store, which keeps its cache keys apart from other packs'. */
    private readonly number: number,
  ) {}

  /** The cache key of an offset: packs hold less than 2^40 bytes, stores fewer than 8,192 packs. */
  private key(offset: number): number {
    return this.number * 2 ** 40 + offset
  }

  private corrupt(what: string, offset: number): GitFormatError {
    return new GitFormatError(`unreadable pack ${this.file} at offset ${offset}: ${what}`)
  }

  private fileSize(): number {
    if (this.size === undefined) {
      this.open()
      this.size = fs.fstatSync(this.fd as number).size
    }
    return this.size
  }

  private open(): void {
    if (this.fd === undefined) this.fd = fs.openSync(this.file, 'r')
  }

  /** Up to `length` bytes at `offset` (fewer at the end of the file). */
  private bytes(offset: number, length: number): Buffer {
    if (this.whole === undefined && ++this.reads > READS_BEFORE_LOADING && this.fileSize() <= MAX_WHOLE_PACK) {
      this.whole = fs.readFileSync(this.file)
      this.close()
    }
    if (this.whole !== undefined) return this.whole.subarray(offset, Math.min(this.whole.length, offset + length))
    this.open()
    const end = Math.min(this.fileSize() - 20, offset + length)
    const buf = Buffer.allocUnsafe(Math.max(0, end - offset))
    return buf.subarray(0, readFully(this.fd as number, buf, offset))
  }

  /** Reads the object whose index entry is `i`. */
  readEntry(i: number, lookup: BaseLookup): GitObject {
    return this.readAt(this.index.offsetAt(i), lookup)
  }

  /** Reads the object at a pack offset, applying its chain of deltas. */
  readAt(offset: number, lookup: BaseLookup): GitObject {
    const chain: Array<{offset: number; delta: Buffer}> = []
    let base: GitObject | undefined
    let at = offset
    while (base === undefined) {
      const cached = this.cache.get(this.key(at))
      if (cached !== undefined) {
        base = cached
        break
      }
      if (chain.length > MAX_CHAIN) throw this.corrupt('delta chain too long (a loop?)', offset)
      const head = this.bytes(at, 32)
      let pos = 0
      let c = head[pos++] ?? 0
      const type = (c >> 4) & 7
      let size = c & 15
      let shift = 4
      while (c & 0x80) {
        if (pos >= head.length) throw this.corrupt('truncated object header', at)
        c = head[pos++] as number
        size += (c & 0x7f) * 2 ** shift
        shift += 7
      }
      if (type === OFS_DELTA) {
        c = head[pos++] ?? 0
        let distance = c & 0x7f
        while (c & 0x80) {
          if (pos >= head.length) throw this.corrupt('truncated delta offset', at)
          c = head[pos++] as number
          distance = (distance + 1) * 128 + (c & 0x7f)
        }
        chain.push({offset: at, delta: this.inflate(at + pos, size, at)})
        if (distance <= 0 || distance > at) throw this.corrupt('delta base outside the pack', at)
        at -= distance
      } else if (type === REF_DELTA) {
        const baseOid = head.toString('hex', pos, pos + 20)
        chain.push({offset: at, delta: this.inflate(at + pos + 20, size, at)})
        const i = this.index.find(Buffer.from(baseOid, 'hex'))
        if (i === -1) base = lookup(baseOid)
        else at = this.index.offsetAt(i)
      } else {
        const name = TYPES[type]
        if (name === undefined) throw this.corrupt(`unknown object type ${type}`, at)
        base = {type: name, data: this.inflate(at + pos, size, at)}
        if (chain.length > 0) this.cache.set(this.key(at), base, base.data.length)
      }
    }
    let result = base
    for (let k = chain.length - 1; k >= 0; k--) {
      const step = chain[k] as {offset: number; delta: Buffer}
      result = {type: result.type, data: applyDelta(result.data, step.delta, () => this.corrupt('bad delta', step.offset))}
      // Every object of a chain can be the base of another chain; the one asked for is
      // usually read once, so only the ones below it are kept.
      if (k > 0) this.cache.set(this.key(step.offset), result, result.data.length)
    }
    return result
  }

  /** Inflates the zlib stream at `at`, which must produce exactly `size` bytes. */
  private inflate(at: number, size: number, objectAt: number): Buffer {
    let out: Buffer
    try {
      out = inflateSync(this.bytes(at, deflateBound(size)))
    } catch {
      // A stream that compresses worse than zlib's bound (not written by git): read it all.
      try {
        out = inflateSync(this.bytes(at, this.fileSize()))
      } catch (error) {
        throw this.corrupt(`cannot inflate: ${(error as Error).message}`, objectAt)
      }
    }
    if (out.length !== size) throw this.corrupt(`size ${out.length}, expected ${size}`, objectAt)
    return out
  }

  close(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd)
      this.fd = undefined
    }
  }
}

/** Applies a git delta (gitformat-pack.txt, "Deltified representation") to its base. */
export function applyDelta(base: Buffer, delta: Buffer, corrupt: () => Error): Buffer {
  let pos = 0
  const varint = () => {
    let value = 0
    let shift = 0
    let c: number
    do {
      if (pos >= delta.length) throw corrupt()
      c = delta[pos++] as number
      value += (c & 0x7f) * 2 ** shift
      shift += 7
    } while (c & 0x80)
    return value
  }
  if (varint() !== base.length) throw corrupt()
  const out = Buffer.allocUnsafe(varint())
  let written = 0
  while (pos < delta.length) {
    const op = delta[pos++] as number
    if (op & 0x80) {
      let offset = 0
      let size = 0
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += (delta[pos++] as number) * 2 ** (8 * bit)
      for (let bit = 0; bit < 3; bit++) if (op & (16 << bit)) size += (delta[pos++] as number) * 2 ** (8 * bit)
      if (size === 0) size = 0x10000
      if (offset + size > base.length || written + size > out.length || pos > delta.length) throw corrupt()
      base.copy(out, written, offset, offset + size)
      written += size
    } else if (op !== 0) {
      if (pos + op > delta.length || written + op > out.length) throw corrupt()
      delta.copy(out, written, pos, pos + op)
      pos += op
      written += op
    } else {
      throw corrupt()
    }
  }
  if (written !== out.length) throw corrupt()
  return out
}
