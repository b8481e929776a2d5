/*
 * phone.h - telephone numbers inside URIs, as IP call records (VoLTE,
 * VoIP) write their parties: tel: URIs (RFC 3966) and sip:/sips: URIs
 * whose user part is a number (RFC 3261 section 19.1.6, user=phone), so
 * that "sip:+60123456789@ims.example;user=phone", "tel:+60-12-345-6789"
 * and "+60123456789" reach one number (issue 16). Pure functions; no
 * state.
 */
#ifndef CDRSIFT_PHONE_H
#define CDRSIFT_PHONE_H

#include <stddef.h>

/*
 * When 's' ('len' bytes) is a tel:, sip: or sips: URI (scheme in any
 * case), write its telephone number to 'out' (room for 'outlen' bytes,
 * NUL-terminated) as phone_normalise() takes numbers: "+" and digits for
 * a global number, digits and separators for a local one. A local tel:
 * number with a numeric ";phone-context=" (RFC 3966 section 5.1.5) is
 * made global by prefixing the context's digits. Percent-escapes in the
 * user part are decoded.
 * Returns the length written; 0 when 's' is not such a URI (use it as
 * it is); -1 when it is one without a usable number (a user name such as
 * "sip:alice@example.com", a domain-name phone-context, no digits).
 */
int phone_from_uri(const char *s, size_t len, char *out, size_t outlen);

#endif
