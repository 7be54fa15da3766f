/** The few fields of AWS event payloads the handlers read (shapes as AWS sends them). */

export interface S3EventRecord {
  eventName: string;
  awsRegion?: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

export interface S3Event {
  Records: S3EventRecord[];
}

export interface ApiGatewayV2Event {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  requestContext: { requestId?: string; http: { method: string; path?: string } };
}

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/** S3 event keys are URL-encoded with `+` for spaces (local S3 servers send them raw). */
export function decoderCleS3(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

export function isS3Event(event: unknown): event is S3Event {
  return (
    typeof event === 'object' &&
    event !== null &&
    Array.isArray((event as S3Event).Records) &&
    (event as S3Event).Records.every((r) => typeof r?.s3?.bucket?.name === 'string' && typeof r?.s3?.object?.key === 'string')
  );
}
