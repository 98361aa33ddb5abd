// The dashboard's views, fed by the store: the same view components as the HTML report, with the
// server's data (a project's images, one image's findings, the bases they run on, the trend).
import { baseUpgrade, isOsPackage } from '../../report/html/base-upgrade.js';
import { html, type Html } from '../../report/html/escape.js';
import { baseImagesView, type BaseImageGroup } from '../../report/html/views/base-images.js';
import { findingsView } from '../../report/html/views/findings.js';
import { imagesView } from '../../report/html/views/images.js';
import type { ImageRow } from '../../report/html/views/model.js';
import { osLabel, shortDigest } from '../../report/html/views/parts.js';
import type { ImageRecord, ImageSummary, Store } from '../store.js';
import { trendView } from './trend-view.js';

/** The most images a view reads (the API's largest page). */
const MOST = 1000;

const imageHref = (id: string): string => `/ui/images/${id}`;

function imageRow(s: ImageSummary): ImageRow {
  const os = osLabel(s.os);
  return {
    ref: s.ref,
    ...(s.digest ? { digest: s.digest } : {}),
    href: imageHref(s.id),
    ...(os ? { os } : {}),
    packages: s.packages,
    bySeverity: s.vulnerabilities,
    byPriority: s.vulnerabilitiesByPriority,
    knownExploited: s.knownExploited,
    matchedAt: s.matchedAt,
  };
}

const BASE_METHOD =
  'A server receives SBOMs, not image histories, so it cannot tell the base layers from the image’s own: here the OS release stands for the base, and its packages are the OS packages (deb, apk, rpm), including any the image’s own build installed. Fixed by upgrading: their findings whose fixed version is published, which rebuilding on the current build of that release (or upgrading those packages) brings. "No fix yet" counts the rest. A local scan (plimsoll image --format html) splits the layers and adds the hardening advice.';

function baseGroups(
  images: readonly { record: ImageRecord; vulnerabilities: Parameters<typeof baseUpgrade>[0][number]['vulnerabilities'] }[],
): BaseImageGroup[] {
  const byBase = new Map<string, (typeof images)[number][]>();
  for (const image of images) {
    const name = osLabel(image.record.os) ?? 'no recognisable OS (scratch or a static binary)';
    byBase.set(name, [...(byBase.get(name) ?? []), image]);
  }
  return [...byBase.entries()]
    .map(([name, members]): BaseImageGroup => {
      const os = members[0]?.record.os;
      return {
        name,
        images: members.map((m) => ({ ref: m.record.ref, href: imageHref(m.record.id) })),
        upgrade: baseUpgrade(
          members.map((m) => ({ ref: m.record.ref, vulnerabilities: m.vulnerabilities })),
          isOsPackage,
        ),
        ...(os?.eol ? { endOfLife: os.eolDate ? { since: os.eolDate } : {} } : {}),
      };
    })
    .sort((a, b) => b.upgrade.fixed - a.upgrade.fixed || a.name.localeCompare(b.name));
}

export async function imagesPage(store: Store, project: string): Promise<Html> {
  const images = await store.listImages(project, MOST);
  const kev = images.filter((i) => i.knownExploited > 0).length;
  const caption = `Project ${project}, newest submission first${images.length === MOST ? ` (the newest ${MOST})` : ''}. ${kev} image${kev === 1 ? '' : 's'} with KEV findings. Counts are the current findings (after the latest rematch or submission).`;
  return imagesView(images.map(imageRow), caption);
}

/** Undefined when the project has no such image. */
export async function imagePage(store: Store, project: string, id: string): Promise<Html | undefined> {
  const found = await store.getImage(project, id);
  if (!found) return undefined;
  const { vulnerabilities, ...record } = found;
  const facts = html`<section id="image">
<h2>${record.ref}</h2>
<dl class="facts">
<dt>Digest</dt><dd class="mono" title="${record.digest ?? ''}">${record.digest ? shortDigest(record.digest) : 'none (identified by its reference)'}</dd>
<dt>OS</dt><dd>${osLabel(record.os) ?? 'none recognised'}</dd>
<dt>Submitted</dt><dd class="mono">${record.submittedAt}</dd>
<dt>Matched</dt><dd class="mono">${record.matchedAt} against the database built ${record.dbBuiltAt}</dd>
</dl>
<p class="note"><a href="/ui/">&larr; all images</a></p>
</section>`;
  return html`${facts}${findingsView(vulnerabilities)}${baseImagesView(baseGroups([{ record, vulnerabilities }]), BASE_METHOD)}`;
}

export async function baseImagesPage(store: Store, project: string): Promise<Html> {
  const summaries = await store.listImages(project, MOST);
  const images = [];
  for (const s of summaries) {
    const found = await store.getImage(project, s.id);
    if (found) images.push({ record: s, vulnerabilities: found.vulnerabilities });
  }
  return baseImagesView(baseGroups(images), BASE_METHOD);
}

export async function trendPage(store: Store, project: string): Promise<Html> {
  return trendView(await store.trend(project, MOST));
}
