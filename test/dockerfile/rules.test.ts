// Rule by rule: a hand-written Dockerfile that triggers the rule (on the line given) and one that does not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DOCKERFILE_RULES, lintDockerfile } from '../../src/dockerfile/index.js';

interface Case {
  id: string;
  /** Triggers the rule; `line` is where the (first) finding must be. */
  bad: string;
  line: number;
  /** The fixed or legitimate variant: must not trigger it. */
  good: string;
}

const cases: Case[] = [
  {
    id: 'PLD001',
    bad: 'FROM debian:12\nFROM node\n',
    line: 2,
    good: 'ARG V=3.20\nFROM alpine:${V}\nFROM alpine@sha256:abc\nFROM scratch\nFROM x:1 AS y\nFROM y\n',
  },
  { id: 'PLD001', bad: 'FROM registry:5000/app:latest\n', line: 1, good: 'FROM registry:5000/app:1.2\n' },
  { id: 'PLD001', bad: 'FROM node:lts-alpine AS dev\n', line: 1, good: 'FROM node:22.11-alpine AS dev\nFROM debian:stretch-slim\n' },
  { id: 'PLD002', bad: 'FROM debian:12\nUSER app\nRUN make\nUSER root\n', line: 4, good: 'FROM debian:12\nUSER root\nRUN make\nUSER 10001:10001\n' },
  {
    id: 'PLD003',
    bad: 'FROM golang:1.22 AS build\nUSER app\nFROM scratch\nCOPY --from=build /app /app\n',
    line: 3,
    good: 'FROM debian:12 AS base\nUSER app\nFROM base\nCMD ["x"]\n',
  },
  { id: 'PLD003', bad: 'FROM gcr.io/distroless/static-debian12\n', line: 1, good: 'FROM gcr.io/distroless/static-debian12:nonroot\n' },
  {
    id: 'PLD004',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get update && apt-get -qq install curl && apt-get install -yq git && apt-get install -s x\n',
  },
  {
    id: 'PLD005',
    bad: 'FROM debian:12\nRUN apt-get install -y curl\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl && apt-get -o APT::Install-Recommends=false install -y git\n',
  },
  {
    id: 'PLD006',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n',
  },
  {
    id: 'PLD006',
    bad: 'FROM debian:12 AS base\nRUN apt-get update\nFROM base\n',
    line: 2,
    good: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n',
  },
  {
    id: 'PLD007',
    bad: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
  },
  {
    id: 'PLD008',
    bad: 'FROM alpine:3.20\nRUN apk update && apk add curl\n',
    line: 2,
    good: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN apk --update add git && rm -rf /var/cache/apk/*\n',
  },
  {
    id: 'PLD009',
    bad: 'FROM debian:12\nRUN apt-get install -y curl=7.88.1-10 git\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get install -y curl=7.88.1-10 ./local.deb $PKGS\n',
  },
  {
    id: 'PLD010',
    bad: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps curl\n',
    line: 2,
    good: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps curl=8.9.1-r0 git~2.45\n',
  },
  {
    id: 'PLD011',
    bad: 'FROM python:3.12\nRUN pip install --no-cache-dir flask requests==2.32.3\n',
    line: 2,
    good: 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt flask==3.0.3 "django>=4,<5" . ./wheels/x.whl\n',
  },
  { id: 'PLD011', bad: 'FROM python:3.12\nRUN python3 -m pip install -U pip\n', line: 2, good: 'FROM python:3.12\nRUN python3 -m pip install -U pip==24.2\n' },
  {
    id: 'PLD012',
    bad: 'FROM node:20\nRUN npm install -g typescript @angular/cli@latest\n',
    line: 2,
    good: 'FROM node:20\nRUN npm install -g typescript@5.6.2 @angular/cli@18.2.0 ./local-pkg\n',
  },
  {
    id: 'PLD012',
    bad: 'FROM node:20\nRUN yarn global add phantomjs-prebuilt\n',
    line: 2,
    good: 'FROM node:20\nRUN yarn global add phantomjs-prebuilt@2.1.16 && pnpm add -g pnpm@9.12.0\n',
  },
  {
    id: 'PLD013',
    bad: 'FROM ruby:3.3\nRUN gem install bundler\n',
    line: 2,
    good: 'FROM ruby:3.3\nRUN gem install bundler -v 2.5.18 && gem install rake:13.2.1\n',
  },
  {
    id: 'PLD014',
    bad: 'FROM debian:12\nADD app.py /app/\n',
    line: 2,
    good: 'FROM debian:12\nCOPY app.py /app/\nADD rootfs.tar.gz /\nADD https://example.com/x.tgz /tmp/\n',
  },
  { id: 'PLD015', bad: 'FROM debian:12\nRUN sudo apt-get install -y curl\n', line: 2, good: 'FROM debian:12\nRUN apt-get install -y sudo && echo sudo\n' },
  { id: 'PLD016', bad: 'FROM debian:12 AS a\nHEALTHCHECK CMD true\nFROM debian:12\n', line: 3, good: 'FROM debian:12 AS a\nHEALTHCHECK NONE\nFROM a\n' },
  {
    id: 'PLD017',
    bad: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends gcc-12 make\n',
    line: 2,
    good: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc make && make && apk del .build-deps\n',
  },
  {
    id: 'PLD017',
    bad: 'FROM golang:1.22 AS build\nFROM debian:12\nRUN apt-get install -y golang\n',
    line: 3,
    good: 'FROM debian:12 AS build\nRUN apt-get install -y golang\nFROM scratch\nCOPY --from=build /app /app\n',
  },
  { id: 'PLD018', bad: 'FROM debian:12\nRUN cd /app && make\n', line: 2, good: 'FROM debian:12\nWORKDIR /app\nRUN make && cd /tmp && rm -rf build\n' },
  { id: 'PLD019', bad: 'FROM debian:12\nWORKDIR app\n', line: 2, good: 'FROM debian:12\nWORKDIR /app\nWORKDIR $HOME/src\nWORKDIR C:\\app\n' },
  {
    id: 'PLD020',
    bad: 'FROM debian:12\nENV DB_PASSWORD=hunter2\n',
    line: 2,
    good: 'FROM debian:12\nENV DB_PASSWORD_FILE=/run/secrets/db GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D PWD_HINT=x\n',
  },
  { id: 'PLD020', bad: 'FROM debian:12\nARG GITHUB_TOKEN\n', line: 2, good: 'FROM debian:12\nARG GITHUB_USER\n' },
  { id: 'PLD020', bad: `FROM debian:12\nENV UPLOAD_KEY_ID=AKIA2Q7ZK4M5TX3PLW6R\n`, line: 2, good: 'FROM debian:12\nENV UPLOAD_KEY_ID=not-a-key\n' },
  { id: 'PLD021', bad: "FROM debian:12\nCMD ['node', 'app.js']\n", line: 2, good: 'FROM debian:12\nCMD ["node", "app.js"]\n' },
  { id: 'PLD022', bad: 'FROM debian:12\nENTRYPOINT /app/run --serve\n', line: 2, good: 'FROM debian:12\nENTRYPOINT ["/app/run", "--serve"]\n' },
  { id: 'PLD023', bad: 'FROM debian:12\nCMD ["a"]\nCMD ["b"]\n', line: 2, good: 'FROM debian:12 AS a\nCMD ["a"]\nFROM a\nCMD ["b"]\n' },
  { id: 'PLD024', bad: 'FROM debian:12\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', line: 2, good: 'FROM debian:12\nENTRYPOINT ["a"]\nCMD ["b"]\n' },
  {
    id: 'PLD025',
    bad: 'FROM debian:12\nRUN curl -fsSL https://get.example.com | sudo bash -s -- --yes\n',
    line: 2,
    good: 'FROM debian:12\nRUN curl -fsSLo get.sh https://get.example.com && echo "abc  get.sh" | sha256sum -c - && sh get.sh\n',
  },
  {
    id: 'PLD025',
    bad: 'FROM debian:12\nRUN sh -c "$(wget -qO- https://get.example.com)"\n',
    line: 2,
    good: 'FROM debian:12\nRUN wget -qO- https://example.com/x.tar.gz | tar xz\n',
  },
  {
    id: 'PLD026',
    bad: 'FROM debian:12\nRUN wget -qO- https://example.com/x.tar.gz | tar xz\n',
    line: 2,
    good: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- https://example.com/x.tar.gz | tar xz\nRUN a || b\nRUN echo "a|b"\n',
  },
  {
    id: 'PLD026',
    bad: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nFROM w\nSHELL ["bash", "-c"]\nRUN a | b\n',
    line: 4,
    good: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nRUN dir | findstr x\nFROM w\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem | Select-Object Name\n',
  },
  {
    id: 'PLD027',
    bad: 'FROM debian:12\nEXPOSE 80 70000 90-80 53/icmp 8080:80\n',
    line: 2,
    good: 'FROM debian:12\nEXPOSE 80 8000-8010/tcp 53/udp 9/sctp ${PORT}\n',
  },
  { id: 'PLD028', bad: 'FROM debian:12\nEXPOSE 8080 22/tcp\n', line: 2, good: 'FROM debian:12\nEXPOSE 8080 2222\n' },
  {
    id: 'PLD029',
    bad: 'FROM debian:12\nMAINTAINER me <me@example.com>\n',
    line: 2,
    good: 'FROM debian:12\nLABEL org.opencontainers.image.authors="me <me@example.com>"\n',
  },
  {
    id: 'PLD030',
    bad: 'FROM debian:12 AS build\nFROM scratch\nCOPY --from=biuld /app /app\n',
    line: 3,
    good: 'FROM debian:12 AS build\nFROM scratch\nCOPY --from=build /app /app\nCOPY --from=0 /x /x\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n',
  },
  {
    id: 'PLD030',
    bad: 'FROM debian:12\nCOPY --from=1 /x /x\nFROM debian:12 AS later\n',
    line: 2,
    good: 'FROM debian:12\nFROM debian:12\nCOPY --from=0 /x /x\n',
  },
  { id: 'PLD031', bad: 'FROM debian:12 AS build\nFROM alpine:3.20 AS Build\n', line: 2, good: 'FROM debian:12 AS build\nFROM alpine:3.20 AS test\n' },
  {
    id: 'PLD032',
    bad: 'FROM python:3.12\nRUN pip install -r requirements.txt\n',
    line: 2,
    good: 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\nRUN --mount=type=cache,target=/root/.cache pip install x==1\n',
  },
  {
    id: 'PLD033',
    bad: 'FROM node:20\nRUN npm ci --omit=dev\n',
    line: 2,
    good: 'FROM node:20\nRUN npm ci --omit=dev && npm cache clean --force\nRUN --mount=type=cache,target=/root/.npm npm ci\n',
  },
  {
    id: 'PLD033',
    bad: 'FROM node:20\nRUN yarn --frozen-lockfile\n',
    line: 2,
    good: 'FROM node:20\nRUN yarn install --frozen-lockfile && yarn cache clean\nRUN yarn --version\n',
  },
  { id: 'PLD034', bad: 'FROM node:20\nRUN npm install --omit=dev\n', line: 2, good: 'FROM node:20\nRUN npm ci --omit=dev\nRUN npm install -g pnpm@9.12.0\n' },
  {
    id: 'PLD035',
    bad: 'FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y --only-upgrade openssl\n',
  },
  { id: 'PLD036', bad: 'FROM rockylinux:9\nRUN dnf install -y httpd\n', line: 2, good: 'FROM rockylinux:9\nRUN dnf install -y httpd && dnf clean all\n' },
  {
    id: 'PLD037',
    bad: 'FROM rockylinux:9\nRUN yum install httpd && yum clean all\n',
    line: 2,
    good: 'FROM rockylinux:9\nRUN yum -y install httpd && microdnf install x && zypper -n install y\n',
  },
  {
    id: 'PLD037',
    bad: 'FROM opensuse/leap:15.6\nRUN zypper install curl\n',
    line: 2,
    good: 'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl\n',
  },
  {
    id: 'PLD038',
    bad: 'FROM opensuse/leap:15.6\nRUN zypper -n install curl\n',
    line: 2,
    good: 'FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper clean --all\n',
  },
  {
    id: 'PLD039',
    bad: 'FROM debian:12\nRUN chmod -R 777 /app\n',
    line: 2,
    good: 'FROM debian:12\nRUN chmod 1777 /scratch && chmod 755 /app && chmod u+w,g+w /data && chmod a+rX /srv\n',
  },
  { id: 'PLD039', bad: 'FROM debian:12\nRUN chmod o+w /etc/app.conf\n', line: 2, good: 'FROM debian:12\nRUN chmod a+rwxt /shared\n' },
  { id: 'PLD039', bad: 'FROM debian:12\nCOPY --chmod=777 tool /bin/tool\n', line: 2, good: 'FROM debian:12\nCOPY --chmod=755 tool /bin/tool\n' },
  {
    id: 'PLD040',
    bad: 'FROM debian:12\nADD https://example.com/tool.tgz /opt/\n',
    line: 2,
    good: 'FROM debian:12\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /opt/\n',
  },
  {
    id: 'PLD041',
    bad: 'FROM debian:12\nRUN useradd -u 123456 app\n',
    line: 2,
    good: 'FROM debian:12\nRUN useradd -l -u 123456 app && useradd -u 12345 other\n',
  },
  {
    id: 'PLD042',
    bad: 'FROM debian:12\nRUN apt-get update &&\n  apt-get install -y curl\n',
    line: 3,
    good: 'FROM debian:12\nRUN apt-get update && \\\n  apt-get install -y curl\n',
  },
  { id: 'PLD043', bad: 'RUN echo hi\nFROM debian:12\n', line: 1, good: 'ARG BASE=debian:12\nFROM $BASE\n' },
  { id: 'PLD043', bad: '# only a comment\n', line: 1, good: 'FROM scratch\n' },
  { id: 'PLD043', bad: 'FROM debian:12 AS a\nFROM\n', line: 2, good: 'FROM debian:12 AS a\nFROM a\n' },
  {
    id: 'PLD044',
    bad: 'FROM debian:12\nRUN apt update && apt install -y curl\n',
    line: 2,
    good: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
  },
  {
    id: 'PLD045',
    bad: 'FROM debian:12\nCOPY a.txt b.txt /app\n',
    line: 2,
    good: 'FROM debian:12\nCOPY a.txt b.txt /app/\nCOPY ["c d.txt", "e.txt", "/srv/"]\nCOPY a.txt /app\n',
  },
  {
    id: 'PLD046',
    bad: 'FROM debian:12\nRUN curl -kfsSL https://example.com/x -o x\n',
    line: 2,
    good: 'FROM debian:12\nRUN curl -fsSL https://example.com/x -o x\n',
  },
  { id: 'PLD046', bad: 'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n', line: 2, good: 'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\n' },
  { id: 'PLD047', bad: 'FROM node:20\nCOPY .npmrc package.json /app/\n', line: 2, good: 'FROM node:20\nCOPY package.json release-signing.key /app/\n' },
];

function ids(text: string, id: string): number[] {
  return lintDockerfile(text, { only: [id] }).map((f) => f.line ?? 0);
}

describe('Dockerfile rules, one by one', () => {
  it('has at least 30 rules, ids unique and in order, every text field filled', () => {
    assert.ok(DOCKERFILE_RULES.length >= 30, `${DOCKERFILE_RULES.length} rules`);
    const list = DOCKERFILE_RULES.map((r) => r.id);
    assert.deepEqual(list, [...list].sort());
    assert.equal(new Set(list).size, list.length);
    for (const r of DOCKERFILE_RULES) {
      assert.match(r.id, /^PLD\d{3}$/);
      for (const field of [r.title, r.rationale, r.fix]) assert.ok(field.length > 10, `${r.id} text`);
    }
  });

  it('every rule has a case here', () => {
    const covered = new Set(cases.map((c) => c.id));
    assert.deepEqual(
      DOCKERFILE_RULES.map((r) => r.id).filter((id) => !covered.has(id)),
      [],
    );
  });

  for (const c of cases) {
    it(`${c.id} fires on line ${c.line}: ${JSON.stringify(c.bad).slice(0, 70)}`, () => {
      assert.equal(ids(c.bad, c.id)[0], c.line, JSON.stringify(lintDockerfile(c.bad, { only: [c.id] })));
    });
    it(`${c.id} stays quiet: ${JSON.stringify(c.good).slice(0, 70)}`, () => {
      assert.deepEqual(lintDockerfile(c.good, { only: [c.id] }), []);
    });
  }
});
