/* rfc4975-examples.h: the example messages of RFC 4975 (sections 4, 5.1,
 * 7.1 and the section 10 call flows), written out from the RFC with "\n"
 * line ends (the tests turn them into CRLF); a few bodies are shortened and
 * section labels are approximate. The two "extra-" entries are not from
 * the RFC. Where the RFC elides the paths of an illustrative message
 * (section 5.1) they stay elided: the parser does not require
 * To-Path/From-Path, the session does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

typedef struct {
  const char *name;
  const char *text;
  const char *method;   /* NULL for responses */
  guint       status;
  const char *tid;
  const char *body;     /* NULL: no body */
  char        flag;
} Rfc4975Example;

static const Rfc4975Example rfc4975_examples[] = {
  { "s4-send",
    "MSRP a786hjs2 SEND\n"
    "To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\n"
    "From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\n"
    "Message-ID: 87652491\n"
    "Byte-Range: 1-25/25\n"
    "Content-Type: text/plain\n"
    "\n"
    "Hey Bob, are you there?\n"
    "-------a786hjs2$\n",
    "SEND", 0, "a786hjs2", "Hey Bob, are you there?", '$' },
  { "s4-200",
    "MSRP a786hjs2 200 OK\n"
    "To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\n"
    "From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\n"
    "-------a786hjs2$\n",
    NULL, 200, "a786hjs2", NULL, '$' },
  { "s5.1-chunk1",
    "MSRP dkei38sd SEND\n"
    "Message-ID: 4564dpWd\n"
    "Byte-Range: 1-*/8\n"
    "Content-Type: text/plain\n"
    "\n"
    "abcd\n"
    "-------dkei38sd+\n",
    "SEND", 0, "dkei38sd", "abcd", '+' },
  { "s5.1-chunk2",
    "MSRP dkei38ia SEND\n"
    "Message-ID: 4564dpWd\n"
    "Byte-Range: 5-8/8\n"
    "Content-Type: text/plain\n"
    "\n"
    "EFGH\n"
    "-------dkei38ia$\n",
    "SEND", 0, "dkei38ia", "EFGH", '$' },
  { "s7.1.1-chunk-interrupted",
    "MSRP d93kswow SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7654/iau39soe2843z;tcp\n"
    "Message-ID: 12339sdqwer\n"
    "Byte-Range: 1-*/*\n"
    "Content-Type: text/plain\n"
    "\n"
    "Here is the first part of a long messa\n"
    "-------d93kswow#\n",
    "SEND", 0, "d93kswow", "Here is the first part of a long messa", '#' },
  { "s10.1-send",
    "MSRP d93kswow SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "Message-ID: 12339sdqwer\n"
    "Byte-Range: 1-16/16\n"
    "Content-Type: text/plain\n"
    "\n"
    "Hi, I'm Alice!\n"
    "-------d93kswow$\n",
    "SEND", 0, "d93kswow", "Hi, I'm Alice!", '$' },
  { "s10.1-200",
    "MSRP d93kswow 200 OK\n"
    "To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "-------d93kswow$\n",
    NULL, 200, "d93kswow", NULL, '$' },
  { "s10.1-send-back",
    "MSRP dkei38sd SEND\n"
    "To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "Message-ID: 456s9wlk3\n"
    "Byte-Range: 1-7/7\n"
    "Content-Type: text/plain\n"
    "\n"
    "Hi, Alice! I'm Bob!\n"
    "-------dkei38sd$\n",
    "SEND", 0, "dkei38sd", "Hi, Alice! I'm Bob!", '$' },
  { "s10.1-200-back",
    "MSRP dkei38sd 200 OK\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "-------dkei38sd$\n",
    NULL, 200, "dkei38sd", NULL, '$' },
  { "s10.2-html-with-reports",
    "MSRP d93kswow SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "Message-ID: 12339sdqwer\n"
    "Byte-Range: 1-137/137\n"
    "Success-Report: yes\n"
    "Failure-Report: no\n"
    "Content-Type: text/html\n"
    "\n"
    "<html><body>\n"
    "<p>See this great song I found:\n"
    "<a href='http://example.com/song.mp3'>song</a></p>\n"
    "</body></html>\n"
    "-------d93kswow$\n",
    "SEND", 0, "d93kswow",
    "<html><body>\n<p>See this great song I found:\n"
    "<a href='http://example.com/song.mp3'>song</a></p>\n</body></html>", '$' },
  { "s10.2-report",
    "MSRP dkei38sd REPORT\n"
    "To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "Message-ID: 12339sdqwer\n"
    "Byte-Range: 1-137/137\n"
    "Status: 000 200 OK\n"
    "-------dkei38sd$\n",
    "REPORT", 0, "dkei38sd", NULL, '$' },
  { "s10.3-cpim-chunk",
    "MSRP 7443e0 SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "Message-ID: 98764ss3\n"
    "Byte-Range: 1-*/*\n"
    "Content-Type: message/cpim\n"
    "\n"
    "To: Bob <sip:bob@example.com>\n"
    "From: Alice <sip:alice@example.com>\n"
    "DateTime: 2006-05-15T15:02:31-03:00\n"
    "Content-Type: image/jpeg\n"
    "\n"
    "** first chunk of the image **\n"
    "-------7443e0+\n",
    "SEND", 0, "7443e0",
    "To: Bob <sip:bob@example.com>\nFrom: Alice <sip:alice@example.com>\n"
    "DateTime: 2006-05-15T15:02:31-03:00\nContent-Type: image/jpeg\n\n"
    "** first chunk of the image **", '+' },
  { "s10.4-system-message",
    "MSRP 9e8d9ba SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://system.example.com:7777/iau39soe2843z;tcp\n"
    "Message-ID: 9f8ddc34\n"
    "Byte-Range: 1-52/52\n"
    "Success-Report: no\n"
    "Failure-Report: no\n"
    "Content-Type: text/plain\n"
    "\n"
    "This session will end in 5 minutes.\n"
    "-------9e8d9ba$\n",
    "SEND", 0, "9e8d9ba", "This session will end in 5 minutes.", '$' },
  { "s10.5-415",
    "MSRP d93kswow 415 Unsupported media type\n"
    "To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "-------d93kswow$\n",
    NULL, 415, "d93kswow", NULL, '$' },
  { "extra-bodyless-send",
    "MSRP a786hjs2 SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "Message-ID: 87652491\n"
    "Byte-Range: 1-0/0\n"
    "-------a786hjs2$\n",
    "SEND", 0, "a786hjs2", NULL, '$' },
  { "extra-empty-body-unknown-header",
    "MSRP sie09s SEND\n"
    "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\n"
    "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\n"
    "Message-ID: 7a8s9d\n"
    "Byte-Range: 1-*/*\n"
    "X-Unknown-Extension: kept verbatim\n"
    "Content-Type: text/plain\n"
    "\n"
    "\n"
    "-------sie09s$\n",
    "SEND", 0, "sie09s", "", '$' },
};
