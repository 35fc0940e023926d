import type { Source } from "@headroom/estimator";
import { SOURCE_KIND_LABEL } from "./format.ts";

/** Where a number comes from, as a small tag; the citation is in its tooltip. */
export function SourceTag({ source }: { source: Source }) {
  const title = `${SOURCE_KIND_LABEL[source.kind]}: ${source.ref}${source.note ? ` — ${source.note}` : ""}`;
  return (
    <span className={`src-tag src-${source.kind}`} title={title} data-source-kind={source.kind}>
      {SOURCE_KIND_LABEL[source.kind]}
    </span>
  );
}

/** A citation chip: FR-n links to the field report's item, upstream files show as code. */
export function Cite({ cite }: { cite: string }) {
  const isFieldReport = /^FR-\d+/.test(cite);
  return (
    <span className={isFieldReport ? "cite cite-fr" : "cite cite-src"} title={isFieldReport ? `field report item ${cite}` : cite}>
      {cite}
    </span>
  );
}
