/* sample.h: writing documents with a trained model. */
#ifndef SAMPLE_H
#define SAMPLE_H

#include "corpus.h"
#include "model.h"
#include "rng.h"
#include "tokenizer.h"

/* probs = softmax(logits / T), in the original's arithmetic. */
void softmax_temperature(double *probs, Value **logits, int n, double T);
/* The temperatures the commands take: above TEMPERATURE_FLOOR, up to
   TEMPERATURE_CEILING. */
#define TEMPERATURE_FLOOR 0.01
#define TEMPERATURE_CEILING 100.0
/* Samples one document: from BOS at position 0, each next token is the
   next of prompt's n_prompt tokens while there are any, else drawn from
   softmax(logits / T) with rng; stops at BOS or after block_size
   tokens.  Writes the tokens (BOS not included, the prompt included)
   into out, which has room for block_size, and returns how many. */
int sample_tokens(Model *m, KVCache *kv, Rng *rng, double T,
                  const int *prompt, int n_prompt, int *out);
/* count documents sampled as sample_tokens() does and decoded by t;
   free them with free_documents. */
char **sample_documents(Model *m, KVCache *kv, const Tokenizer *t,
                        Rng *rng, double T, const int *prompt,
                        int n_prompt, int count);
void free_documents(char **docs, int count);
typedef struct {
    int count;        /* samples judged */
    int grammatical;  /* accepted by the grammar */
    int novel;        /* not a document of the corpus */
    int distinct;     /* different sentences, each counted once */
    int new_and_good; /* grammatical and novel */
} Rates;

/* The rates of n samples against corpus c. */
Rates judge(char **samples, int n, const Corpus *c);

#endif
