/* tandem-vnc-quality.c: the Tight JPEG quality of one viewer, chosen from
 * the throughput measured end to end by the RFB stream itself.
 *
 * libvncserver sends one update per FramebufferUpdateRequest, and the
 * viewer asks again once it has read the update, so update bytes over the
 * time from the update's start to the next request is a delivery-rate
 * sample, whatever carries the stream (direct TCP, the relay's send
 * window, a paced peer without REPORTs).  What went out as JPEG is
 * remembered and sent again lossless, band by band, once the screen is
 * still.  HACKING.md, "Picture quality", has the numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-vnc-quality"

#include "config.h"

#include <rfb/rfb.h>
#include <rfb/rfbregion.h>

#include "tandem-rfb-quality.h"
#include "tandem-vnc-quality.h"

#define RATE_EPOCH_US       (2 * G_USEC_PER_SEC)   /* windowed max: 2 epochs */
#define MIN_DT_KEEP_US      (10 * G_USEC_PER_SEC)  /* round-trip floor kept */
#define BIG_UPDATE_BYTES    (16 * 1024)            /* a sample that measures the path */
#define STILL_US            (300 * 1000)           /* still screen: refresh lossy areas */
#define REFRESH_BUDGET_US   (120 * 1000)           /* one refresh band's worth of the path */

struct _TandemVncQuality
{
  gboolean      adaptive;      /* the viewer lets us choose (else pinned) */
  int           level;         /* in use: -1 lossless, 0-9 */
  gint64        update_start;  /* this update's displayHook */
  guint64       update_bytes0;
  sraRegionPtr  update_region; /* about to be sent */
  gboolean      awaiting;      /* an update whose request has not come */
  gint64        sent_at;
  guint64       sent_bytes;
  guint64       rate[2];       /* bytes/s, max of this and the last epoch */
  gint64        epoch_start;
  gint64        min_dt;        /* us, update to next request, floor */
  gint64        min_dt_at;
  sraRegionPtr  lossy;         /* sent as JPEG, not yet refreshed */
};

/* libvncserver's Tight takes JPEG only for rectangles with more colours
 * than a palette holds, so text on a plain background stays lossless at
 * every level; 4:4:4 keeps coloured text sharp too. */
static const int level_jpeg_quality[10] = { 50, 55, 60, 65, 70, 75, 80, 86, 92, 95 };

static rfbBool on_quality_encoding (rfbClientPtr cl, void **data, int encoding);

static int quality_encodings[] = {
  TANDEM_RFB_ENCODING_ADAPTIVE_QUALITY, TANDEM_RFB_ENCODING_PINNED_QUALITY, 0
};

static rfbProtocolExtension quality_extension = {
  .pseudoEncodings = quality_encodings,
  .enablePseudoEncoding = on_quality_encoding,
};

void
tandem_vnc_quality_install (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      rfbRegisterProtocolExtension (&quality_extension);
      g_once_init_leave (&done, 1);
    }
}

/* The viewer's choice, sent with every SetEncodings by Tandem viewers. */
static rfbBool
on_quality_encoding (rfbClientPtr cl,
                     void       **data,
                     int          encoding)
{
  TandemVncQuality *q;
  gboolean adaptive = encoding == TANDEM_RFB_ENCODING_ADAPTIVE_QUALITY;

  if (!adaptive && encoding != TANDEM_RFB_ENCODING_PINNED_QUALITY)
    return FALSE;
  if (*data == NULL)
    {
      *data = q = g_new0 (TandemVncQuality, 1);
      q->lossy = sraRgnCreate ();
    }
  q = *data;
  if (adaptive != q->adaptive)
    g_message ("viewer %s: picture quality %s", cl->host,
               adaptive ? "follows the measured throughput" : "as the viewer asks");
  q->adaptive = adaptive;
  q->level = -2;
  if (!adaptive)
    sraRgnMakeEmpty (q->lossy);
  return TRUE;
}

TandemVncQuality *
tandem_vnc_quality_get (rfbClientPtr cl)
{
  return rfbGetExtensionClientData (cl, &quality_extension);
}

void
tandem_vnc_quality_client_gone (rfbClientPtr cl)
{
  TandemVncQuality *q = tandem_vnc_quality_get (cl);

  if (q == NULL)
    return;
  g_clear_pointer (&q->lossy, sraRgnDestroy);
  g_clear_pointer (&q->update_region, sraRgnDestroy);
  /* frees q with free(), which g_new0's memory allows (GLib >= 2.46) */
  rfbDisableExtension (cl, &quality_extension);
}

static guint64
get_rate (TandemVncQuality *q)
{
  return MAX (q->rate[0], q->rate[1]);
}

/* -1 lossless, else a Tight quality level; never below 6 (text and
 * photos stay readable: what does not fit waits, in parts). */
static int
level_for_rate (guint64 rate)
{
  if (rate == 0)
    return 6;                       /* nothing measured yet: the first frame */
  if (rate >= 16 * 1000 * 1000 / 8)
    return -1;
  if (rate >= 8 * 1000 * 1000 / 8)
    return 8;
  if (rate >= 4 * 1000 * 1000 / 8)
    return 7;
  return 6;
}

static void
add_rate_sample (TandemVncQuality *q,
                 gint64            now,
                 guint64           bytes,
                 gint64            dt)
{
  guint64 rate;

  if (dt <= 0)
    return;
  if (q->min_dt == 0 || dt <= q->min_dt || now - q->min_dt_at > MIN_DT_KEEP_US)
    {
      q->min_dt = dt;
      q->min_dt_at = now;
    }
  rate = bytes * G_USEC_PER_SEC / (guint64) dt;
  /* A big update spent most of its time being delivered: take the round
   * trip (the floor of all samples) out of it. */
  if (bytes >= BIG_UPDATE_BYTES && dt - q->min_dt >= MAX (dt / 4, 4000))
    rate = bytes * G_USEC_PER_SEC / (guint64) (dt - q->min_dt);
  if (now - q->epoch_start > RATE_EPOCH_US)
    {
      /* A quiet epoch (small updates only) keeps what was measured. */
      if (q->rate[1] != 0)
        q->rate[0] = q->rate[1];
      q->rate[1] = 0;
      q->epoch_start = now;
    }
  /* Small updates are lower bounds: they only ever raise the estimate. */
  if (bytes >= BIG_UPDATE_BYTES || rate > get_rate (q))
    q->rate[1] = MAX (q->rate[1], rate);
}

void
tandem_vnc_quality_update_start (rfbClientPtr cl,
                                 gint64       last_change)
{
  TandemVncQuality *q = tandem_vnc_quality_get (cl);
  int level;

  if (q == NULL)
    return;
  q->update_start = g_get_monotonic_time ();
  q->update_bytes0 = rfbStatGetSentBytes (cl);
  if (!q->adaptive)
    return;
  level = level_for_rate (get_rate (q));
  /* Nothing changed since the lossy areas were last sent: this update is
   * their refresh, lossless. */
  if (!sraRgnEmpty (q->lossy) && q->update_start - last_change >= STILL_US)
    level = -1;
  if (level != q->level)
    g_debug ("viewer %s: quality %d (%" G_GUINT64_FORMAT " kbit/s measured)",
             cl->host, level, get_rate (q) * 8 / 1000);
  q->level = level;
  cl->tightQualityLevel = level;
  cl->turboQualityLevel = level < 0 ? -1 : level_jpeg_quality[level];
  cl->turboSubsampLevel = 0;   /* TJ 4:4:4 */
  g_clear_pointer (&q->update_region, sraRgnDestroy);
  q->update_region = sraRgnCreateRgn (cl->modifiedRegion);
  sraRgnAnd (q->update_region, cl->requestedRegion);
}

void
tandem_vnc_quality_update_done (rfbClientPtr cl,
                                gboolean     sent)
{
  TandemVncQuality *q = tandem_vnc_quality_get (cl);
  guint64 bytes;

  if (q == NULL)
    return;
  bytes = rfbStatGetSentBytes (cl) - q->update_bytes0;
  if (bytes > 0 && sent)
    {
      q->awaiting = TRUE;
      q->sent_at = q->update_start;
      q->sent_bytes = bytes;
    }
  if (q->update_region != NULL)
    {
      /* What left modifiedRegion went out at q->level. */
      sraRgnSubtract (q->update_region, cl->modifiedRegion);
      if (q->level >= 0)
        sraRgnOr (q->lossy, q->update_region);
      else
        sraRgnSubtract (q->lossy, q->update_region);
      g_clear_pointer (&q->update_region, sraRgnDestroy);
    }
}

void
tandem_vnc_quality_request_received (rfbClientPtr                    cl,
                                     rfbFramebufferUpdateRequestMsg *msg)
{
  TandemVncQuality *q = tandem_vnc_quality_get (cl);
  gint64 now = g_get_monotonic_time ();

  if (q == NULL || !q->awaiting)
    return;
  q->awaiting = FALSE;
  add_rate_sample (q, now, q->sent_bytes, now - q->sent_at);
}

/* The next band of what was sent as JPEG goes again, lossless, sized to
 * what the path takes in REFRESH_BUDGET_US, so that a change coming
 * meanwhile waits for one band at most. */
static gint64
refresh (rfbClientPtr cl,
         gint64       now,
         gint64       last_change)
{
  TandemVncQuality *q = tandem_vnc_quality_get (cl);
  sraRegionPtr bbox, band;
  sraRect r;
  guint64 rate, row_bytes;
  int rows;

  if (q == NULL || !q->adaptive || sraRgnEmpty (q->lossy))
    return -1;
  if (now - last_change < STILL_US)
    return STILL_US - (now - last_change);
  if (!sraRgnEmpty (cl->modifiedRegion))
    return -1;  /* the band before is still on its way */
  bbox = sraRgnBBox (q->lossy);
  if (!sraRgnPopRect (bbox, &r, 0))
    {
      sraRgnDestroy (bbox);
      return -1;
    }
  sraRgnDestroy (bbox);
  /* Lossless Tight of a busy desktop: about 0.7 bytes a pixel. */
  rate = MAX (get_rate (q), 100 * 1000);
  row_bytes = MAX (1, (guint64) (r.x2 - r.x1) * 7 / 10);
  rows = (int) CLAMP (rate * REFRESH_BUDGET_US / G_USEC_PER_SEC / row_bytes, 16, (guint64) cl->screen->height);
  band = sraRgnCreateRect (0, r.y1, cl->screen->width, r.y1 + rows);
  sraRgnAnd (band, q->lossy);
  sraRgnOr (cl->modifiedRegion, band);
  sraRgnDestroy (band);
  return -1;
}

gint64
tandem_vnc_quality_refresh (rfbScreenInfoPtr screen,
                            gint64           last_change)
{
  rfbClientIteratorPtr it = rfbGetClientIterator (screen);
  gint64 now = g_get_monotonic_time (), next = -1;
  rfbClientPtr cl;

  while ((cl = rfbClientIteratorNext (it)) != NULL)
    {
      gint64 wait = cl->sock >= 0 && !cl->onHold ? refresh (cl, now, last_change) : -1;

      if (wait >= 0)
        next = next < 0 ? wait : MIN (next, wait);
    }
  rfbReleaseClientIterator (it);
  return next;
}
