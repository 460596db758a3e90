/** One value stored under a key. Momento keeps one type per key; writing another type replaces it. */
export type Entry = ScalarEntry | ListEntry | DictionaryEntry;

export interface ScalarEntry {
  kind: 'scalar';
  value: Buffer;
  expiresAt: number;
}

export interface ListEntry {
  kind: 'list';
  values: Buffer[];
  expiresAt: number;
}

export interface DictionaryEntry {
  kind: 'dictionary';
  /** Keyed by the field's bytes as latin1, which maps every byte to one character and back. */
  fields: Map<string, Buffer>;
  expiresAt: number;
}

/** Bytes an entry occupies, counted as Momento's item-size limit counts them: the key plus every element. */
export function entryBytes(key: Buffer, entry: Entry): number {
  switch (entry.kind) {
    case 'scalar':
      return key.length + entry.value.length;
    case 'list':
      return entry.values.reduce((sum, v) => sum + v.length, key.length);
    case 'dictionary': {
      let sum = key.length;
      for (const [field, value] of entry.fields) sum += field.length + value.length;
      return sum;
    }
  }
}

export const toKey = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
export const fromKey = (key: string): Buffer => Buffer.from(key, 'latin1');
