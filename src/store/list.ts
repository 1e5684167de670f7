// The list value: a QuickList of byte strings that the generic commands (TYPE, OBJECT, COPY)
// can see as a collection.
import { QuickList } from "./quicklist.ts";
import type { Collection } from "./keyspace.ts";

/** A Redis list. */
export class ListValue extends QuickList implements Collection {
  /** On the prototype rather than a field: one list may be one of millions. */
  get type(): "list" {
    return "list";
  }

  get size(): number {
    return this.length;
  }

  /** Redis 7.0 (keyval's reference) reports every list as a quicklist, short ones too. */
  encoding(): string {
    return "quicklist";
  }

  override clone(): ListValue {
    return this.copyTo(new ListValue());
  }
}
