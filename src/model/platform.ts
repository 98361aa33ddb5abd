/** An image platform, as OCI indexes and configs name it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}
