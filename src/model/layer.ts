/** The layer a file came from. */
export interface LayerRef {
  index: number;
  digest: string;
  diffId?: string;
  /** The history entry's `created_by` for this layer, when the config has one. */
  createdBy?: string;
}
